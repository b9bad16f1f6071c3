// `npm run eval:depth`: the hand learner's issue-13 figures on the demo project, through the product's own commands
// (init --demo → zero-shot → one default round, timed → evaluate: the pool suggestions an annotator sees, against the
// demo's hidden oracle labels, which only that lead command reads), plus the shipped model's zero-shot error on the
// real NYU fixture frame. Writes docs/bench/depth-demo.json. Needs a build and ../shared beside the repo.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './ensure.mjs';
import { poseloop, poseloopTimed, suggestionQuality } from './eval/poseloop-cli.mjs';

const out = process.argv[2] ?? join(root, 'docs', 'bench', 'depth-demo.json');

const work = mkdtempSync(join(tmpdir(), 'poseloop-eval-depth-'));
try {
  const demo = join(work, 'demo');
  poseloop('init', demo, '--demo');
  const zeroShot = poseloop('zero-shot', demo, '--split', 'all');
  const { output: round, wallSeconds } = poseloopTimed('round', demo, '--sampler', 'cke');
  const pool = poseloop('evaluate', demo, '--split', 'pool');
  const nyu = join(work, 'nyu');
  poseloop('init', nyu, '--skeleton', 'nyu14');
  poseloop(
    'import',
    nyu,
    '--format',
    'nyu',
    '--root',
    join(root, '..', 'shared', 'fixtures', 'real', 'nyu'),
    '--split',
    'test',
  );
  const nyuZeroShot = poseloop('zero-shot', nyu, '--split', 'test');
  const report = {
    machine: `${process.platform} ${process.arch}`,
    demo: {
      zeroShotTestErrorMm: zeroShot.testErrorMm,
      round1: {
        testErrorMm: round.testErrorMm,
        labelled: round.labelled,
        wallSeconds,
        stageSeconds: round.stageSeconds,
        validation: round.suggestions,
        sigmaScale: round.metrics.sigmaScale,
        sigmaCoverage1: round.metrics.sigmaCoverage1,
        sigmaCoverage2: round.metrics.sigmaCoverage2,
      },
      pool: suggestionQuality(pool),
    },
    nyuFixtureFrame: {
      errorMm: nyuZeroShot.errorMm,
      jointsScored: 14 - nyuZeroShot.unpredictedJoints.length,
      unpredicted: nyuZeroShot.unpredictedJoints,
    },
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
