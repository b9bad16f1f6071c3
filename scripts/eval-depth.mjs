// `npm run eval:depth`: the hand learner's issue-13 figures on the demo project, through the product's own commands
// (init --demo → zero-shot → one default round, timed → evaluate: the pool suggestions an annotator sees, against the
// demo's hidden oracle labels, which only that lead command reads), plus the shipped model's zero-shot error on the
// real NYU fixture frame. Writes docs/bench/depth-demo.json. Needs a build and ../shared beside the repo.
import { join } from 'node:path';
import { root } from './ensure.mjs';
import {
  demoRound,
  poseloop,
  roundCalibration,
  suggestionQuality,
  writeReport,
} from './eval/poseloop-cli.mjs';

const out = process.argv[2] ?? join(root, 'docs', 'bench', 'depth-demo.json');

writeReport('depth', out, (work) => {
  const { zeroShot, round, wallSeconds, pool } = demoRound(work, [], 'cke');
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
  return {
    machine: `${process.platform} ${process.arch}`,
    demo: {
      zeroShotTestErrorMm: zeroShot.testErrorMm,
      round1: {
        testErrorMm: round.testErrorMm,
        labelled: round.labelled,
        wallSeconds,
        ...roundCalibration(round),
      },
      pool: suggestionQuality(pool),
    },
    nyuFixtureFrame: {
      errorMm: nyuZeroShot.errorMm,
      jointsScored: 14 - nyuZeroShot.unpredictedJoints.length,
      unpredicted: nyuZeroShot.unpredictedJoints,
    },
  };
});
