import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const alias = { '@shared': resolve(import.meta.dirname, 'src/shared') };

// One build for every entry point: the Electron window shell, the plain-Node CLI (which also hosts the HTTP
// shell) and the worker threads. All of them share the same app layer.
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      rollupOptions: {
        input: {
          electron: resolve(import.meta.dirname, 'src/main/shells/electron/main.ts'),
          cli: resolve(import.meta.dirname, 'src/main/shells/cli/main.ts'),
          'learner-worker': resolve(import.meta.dirname, 'src/main/learner/node/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    resolve: { alias },
    plugins: [svelte()],
    build: {
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
