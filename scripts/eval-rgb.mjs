// `npm run eval:rgb`: the people learner's issue-14 figures on the RGB demo project, through the product's own
// commands: init --demo (mpii16) → zero-shot (MoveNet on every image; its PCKh@0.5 on the test split) → one default
// round, timed (VL4Pose, budget 20: what the Rounds view starts for people; the round's own model's test PCKh) →
// evaluate: the pool suggestions an annotator sees (the better of MoveNet and the project's model on the test split),
// against the demo's hidden oracle labels: PCKh, share within 10 px, collapsed shoulders, σ-ring coverage.
// Writes docs/bench/rgb-demo.json. Needs a build (npm run build).
import { join } from 'node:path';
import { root } from './ensure.mjs';
import { demoRound, roundCalibration, suggestionQuality, writeReport } from './eval/poseloop-cli.mjs';

const out = process.argv[2] ?? join(root, 'docs', 'bench', 'rgb-demo.json');

writeReport('rgb', out, (work) => {
  const { zeroShot, round, wallSeconds, pool } = demoRound(work, ['--skeleton', 'mpii16'], 'vl4pose');
  return {
    machine: `${process.platform} ${process.arch}`,
    demo: {
      zeroShot: {
        model: zeroShot.model,
        testPckh: zeroShot.testPckh,
        testPckhIgnoringSides: zeroShot.testPckhIgnoringSides,
        seconds: zeroShot.seconds,
      },
      round1: {
        sampler: round.sampler,
        labelled: round.labelled,
        testPckh: round.testPckh,
        meanPosePckh: round.metrics.meanPosePckh,
        testPckhIgnoringSides: round.metrics.testPckhIgnoringSides,
        wallSeconds,
        ...roundCalibration(round),
      },
      pool: suggestionQuality(pool),
    },
    measuredAt: new Date().toISOString(),
  };
});
