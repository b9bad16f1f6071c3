// `npm test`: install what is missing (npm packages; Debian chromium for the browser tests, ffmpeg for the video
// import tests), then typecheck, lint,
// build, and run the unit and browser tests. Ends with one summary line "N passed, N failed, N skipped".
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureAptPackage, ensureInstalled, root, run } from './ensure.mjs';

const CHROMIUM = process.env.POSELOOP_CHROMIUM ?? '/usr/bin/chromium';

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (CHROMIUM === '/usr/bin/chromium' && ensureAptPackage(CHROMIUM, 'chromium', 'for the browser tests'))
    return;
  console.error(
    `poseloop: the browser tests need Chromium at ${CHROMIUM}. Install it (Debian/Ubuntu: sudo apt-get install chromium) ` +
      'or point POSELOOP_CHROMIUM at a Chromium or Chrome binary.',
  );
  process.exit(1);
}

ensureInstalled();
ensureChromium();
// Video import decodes with the system's ffmpeg; without it the video tests are skipped (they say so).
if (!ensureAptPackage('ffmpeg', 'ffmpeg', 'for the video import tests'))
  console.warn(
    'poseloop: ffmpeg not found; video import tests will be skipped (sudo apt-get install ffmpeg)',
  );

const steps = [
  ['typecheck', 'npx', ['tsc', '-b']],
  [
    'svelte-check',
    'npx',
    ['svelte-check', '--tsconfig', './tsconfig.web.json', '--fail-on-warnings', '--output', 'human'],
  ],
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']],
];
for (const [name, command, args] of steps) {
  console.log(`\n== ${name}`);
  if (run(command, args) !== 0) {
    console.error(`poseloop: ${name} failed`);
    process.exit(1);
  }
}
console.log('\n== build');
build();

console.log('\n== tests');
mkdirSync(join(root, 'test-results'), { recursive: true });
const report = join(root, 'test-results', 'vitest.json');
const status = run(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  {
    env: { ...process.env, POSELOOP_CHROMIUM: CHROMIUM },
  },
);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
}
process.exit(status);
