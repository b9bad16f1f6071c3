// `npm start`: install what is missing, build, and open the app on its demo project. With the Electron binary
// present a desktop window opens; without it the same app is served on 127.0.0.1 and opened in a browser.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { build, electronBinary, ensureInstalled, root, run } from './ensure.mjs';

ensureInstalled();
build();

const cli = join(root, 'out', 'main', 'cli.js');
const demo =
  process.env.POSELOOP_DEMO_DIR ?? join(process.env.POSELOOP_HOME ?? join(homedir(), '.poseloop'), 'demo');
if (!existsSync(join(demo, 'project.sqlite'))) {
  console.log(`poseloop: creating the demo project in ${demo}…`);
  if (run(process.execPath, [cli, 'init', demo, '--name', 'Demo: synthetic hands', '--demo']) !== 0)
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
