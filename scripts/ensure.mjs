// Shared set-up for `npm start` and `npm test`: install what is missing, then build. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function installed() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
}

/**
 * Installs the locked npm packages when missing or stale. Browsers for tests come from the system, never from a
 * download. Where Electron's own binary download is blocked (offline or firewalled machines) the install is retried
 * without it: everything but the desktop window then runs in plain Node and a browser.
 */
export function ensureInstalled() {
  if (installed()) return;
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
  console.log('poseloop: installing npm packages (first run takes a few minutes)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund'], { env }) === 0) return;
  console.log(
    'poseloop: install failed; retrying without the Electron binary download (the app will open in a browser)…',
  );
  if (
    run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } }) !==
    0
  ) {
    console.error('poseloop: npm install failed; see the messages above');
    process.exit(1);
  }
}

export function build() {
  if (run('npx', ['electron-vite', 'build', '--logLevel', 'warn']) !== 0) {
    console.error('poseloop: build failed');
    process.exit(1);
  }
}

/** The Electron binary, when its download succeeded. */
export function electronBinary() {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
    cwd: root,
    encoding: 'utf8',
  });
  return result.status === 0 && existsSync(result.stdout) ? result.stdout : null;
}
