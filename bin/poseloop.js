#!/usr/bin/env node
// The `poseloop` command: runs the built CLI bundle (npm install builds it through the `prepare` script).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write('poseloop: the app is not built yet; run "npm run build" in the PoseLoop folder\n');
  process.exit(1);
}
const { runCli } = await import(bundle);
const code = await runCli(process.argv.slice(2));
// Exit once stdout has drained: a large --json answer into a pipe would otherwise be cut short.
process.stdout.write('', () => process.exit(code));
