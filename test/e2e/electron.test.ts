import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { REPO } from '../helpers/browser';
import { tempDir } from '../helpers/tmp';

function electronBinary(): string | null {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return result.status === 0 && existsSync(result.stdout) ? result.stdout : null;
}

const binary = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY);
const reason = !binary
  ? 'the Electron binary is not installed here (its download is blocked); the HTTP shell tests cover the same renderer'
  : 'no display for a desktop window';

describe('Electron window', () => {
  it.skipIf(!binary || !display)(
    `opens the renderer with a hardened window (skipped when: ${reason})`,
    async () => {
      const tmp = tempDir();
      const app = await electron.launch({
        executablePath: binary!,
        args: [REPO],
        env: { ...process.env, POSELOOP_HOME: tmp.dir },
      });
      try {
        const window = await app.firstWindow();
        await window.getByText('Projects').first().waitFor();
        // Sandboxed, isolated renderer: no Node globals, only the three-function bridge.
        const exposed = await window.evaluate(() => ({
          process: typeof (globalThis as { process?: unknown }).process,
          require: typeof (globalThis as { require?: unknown }).require,
          bridge: Object.keys((window as unknown as { poseloop: object }).poseloop).sort(),
        }));
        expect(exposed).toEqual({
          process: 'undefined',
          require: 'undefined',
          bridge: ['call', 'platform', 'subscribe'],
        });
      } finally {
        await app.close();
        tmp.cleanup();
      }
    },
  );
});
