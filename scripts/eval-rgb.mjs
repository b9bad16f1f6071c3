// `npm run eval:rgb`: the people learner's issue-14 figures on the RGB demo project, through the product's own
// commands: init --demo (mpii16) → zero-shot (MoveNet on every image; its PCKh@0.5 on the test split) → one default
// round, timed (VL4Pose, budget 20: what the Rounds view starts for people; the round's own model's test PCKh) →
// evaluate: the pool suggestions an annotator sees (the better of MoveNet and the project's model on the test split),
// against the demo's hidden oracle labels: PCKh, share within 10 px, collapsed shoulders, σ-ring coverage.
// Writes docs/bench/rgb-demo.json. Needs a build (npm run build).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './ensure.mjs';
import { poseloop, poseloopTimed, suggestionQuality } from './eval/poseloop-cli.mjs';

const out = process.argv[2] ?? join(root, 'docs', 'bench', 'rgb-demo.json');

const work = mkdtempSync(join(tmpdir(), 'poseloop-eval-rgb-'));
try {
  const demo = join(work, 'demo');
  poseloop('init', demo, '--skeleton', 'mpii16', '--demo');
  const zeroShot = poseloop('zero-shot', demo, '--split', 'all');
  const { output: round, wallSeconds } = poseloopTimed('round', demo, '--sampler', 'vl4pose');
  const pool = poseloop('evaluate', demo, '--split', 'pool');
  const report = {
    machine: `${process.platform} ${process.arch}`,
    demo: {
      zeroShot: { model: zeroShot.model, testPckh: zeroShot.testPckh, seconds: zeroShot.seconds },
      round1: {
        sampler: round.sampler,
        labelled: round.labelled,
        testPckh: round.testPckh,
        meanPosePckh: round.metrics.meanPosePckh,
        wallSeconds,
        stageSeconds: round.stageSeconds,
        validation: round.suggestions,
        sigmaScale: round.metrics.sigmaScale,
        sigmaCoverage1: round.metrics.sigmaCoverage1,
        sigmaCoverage2: round.metrics.sigmaCoverage2,
      },
      pool: suggestionQuality(pool),
    },
    measuredAt: new Date().toISOString(),
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
