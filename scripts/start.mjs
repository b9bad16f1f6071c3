// `npm start`: install what is missing, build, and open the app on its demo project. With the Electron binary
// present a desktop window opens; without it the same app is served on 127.0.0.1 and opened in a browser.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { build, electronBinary, ensureAptPackage, ensureInstalled, root, run } from './ensure.mjs';

ensureInstalled();
// Video import decodes with the system's ffmpeg; everything else works without it.
if (!ensureAptPackage('ffmpeg', 'ffmpeg', 'for video import'))
  console.warn(
    'poseloop: ffmpeg not found: video import needs it (Debian/Ubuntu: sudo apt-get install ffmpeg)',
  );
build();

const cli = join(root, 'out', 'main', 'cli.js');
const home = process.env.POSELOOP_HOME ?? join(homedir(), '.poseloop');
const demo = process.env.POSELOOP_DEMO_DIR ?? join(home, 'demo');
// The hand demo opens; the RGB people demo sits beside it in the project picker's recent list.
const demos = [
  { dir: demo, name: 'Demo: synthetic hands', skeleton: 'hand21' },
  { dir: join(home, 'demo-rgb'), name: 'Demo: synthetic people (RGB)', skeleton: 'mpii16' },
];
for (const { dir, name, skeleton } of demos) {
  if (existsSync(join(dir, 'project.sqlite'))) continue;
  console.log(`poseloop: creating the demo project in ${dir}…`);
  if (run(process.execPath, [cli, 'init', dir, '--name', name, '--skeleton', skeleton, '--demo']) !== 0)
    process.exit(1);
}

const electron = electronBinary();
if (electron && (process.env.DISPLAY || process.platform !== 'linux')) {
  process.exit(spawnSync(electron, [root, `--project=${demo}`], { stdio: 'inherit' }).status ?? 1);
}
console.log(
  electron
    ? 'poseloop: no display found; serving in the browser instead'
    : 'poseloop: Electron is not installed here; serving in the browser instead',
);
const port = process.env.PORT ?? '4173';
process.exit(run(process.execPath, [cli, 'serve', demo, '--port', port, '--open']));
