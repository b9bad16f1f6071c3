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

/** Whether `binary` runs (on PATH, or an absolute path). */
export function hasBinary(binary, versionArg = '-version') {
  return spawnSync(binary, [versionArg], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs a Debian package when `binary` (a name on PATH, or an absolute path) is missing and apt-get can run as root (the way `npm test` gets
 * chromium and ffmpeg). Returns whether the binary is there afterwards; never fails by itself.
 */
export function ensureAptPackage(binary, pkg, why) {
  // An absolute path is checked for existence only (running a browser binary could open a window).
  const present = () => (binary.startsWith('/') ? existsSync(binary) : hasBinary(binary));
  if (present()) return true;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  console.log(`poseloop: installing Debian ${pkg} ${why}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return (
    run('apt-get', ['update', '-qq'], { env }) === 0 &&
    run('apt-get', ['install', '-y', '-qq', pkg], { env }) === 0 &&
    present()
  );
}

function installed() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
}

/**
 * Installs the locked npm packages when missing or stale. Downloads that may be blocked (Electron's binary,
 * TensorFlow's native library for the optional GPU backend) run as separate, non-fatal steps after the install,
 * so a firewalled machine still gets everything else: the app then runs in plain Node and a browser, on the wasm
 * backend. Browsers for the tests come from the system, never from a download.
 */
export function ensureInstalled() {
  if (installed()) return;
  // ONNX Runtime (the fast MC-dropout engine) ships its CPU library inside its npm package; its install script only
  // fetches optional CUDA files, so it is skipped here as every script is (and told to skip, should one run).
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL: 'skip' };
  console.log('poseloop: installing npm packages (the first run takes a few minutes)…');
  if (run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { env }) !== 0)
    fail('npm ci failed; see the messages above');
  if (run('npm', ['rebuild', 'better-sqlite3', 'esbuild'], { env }) !== 0)
    fail('building better-sqlite3 failed (it needs python3, make and a C++ compiler)');
  if (
    !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD &&
    run(process.execPath, ['node_modules/electron/install.js'], { env }) !== 0
  ) {
    console.log(
      'poseloop: the Electron binary could not be downloaded; the app will open in your browser instead.',
    );
  }
  if (
    existsSync(join(root, 'node_modules', '@tensorflow', 'tfjs-node-gpu')) &&
    run('npm', ['rebuild', '@tensorflow/tfjs-node-gpu'], { env }) !== 0
  ) {
    console.log(
      'poseloop: the TensorFlow GPU library could not be installed; the learner will use the wasm backend.',
    );
  }
  if (
    existsSync(join(root, 'node_modules', 'onnxruntime-node')) &&
    run(process.execPath, ['-e', "require('onnxruntime-node')"], { stdio: 'ignore' }) !== 0
  ) {
    console.log('poseloop: ONNX Runtime does not load here; MC-dropout inference will use TensorFlow.js.');
  }
}

function fail(message) {
  console.error(`poseloop: ${message}`);
  process.exit(1);
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
