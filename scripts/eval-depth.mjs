// `npm run eval:depth`: the hand learner's issue-13 figures on the demo project, through the product's own commands
// (init --demo → zero-shot → one default round, timed), plus the suggestions' quality on the pool against the demo's
// hidden oracle labels (read from the project database: the app never shows them) and the shipped model's zero-shot
// error on the real NYU fixture frame. Writes docs/bench/depth-demo.json. Needs a build and ../shared beside the repo.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { root } from './ensure.mjs';

const cli = join(root, 'bin', 'poseloop.js');
const out = process.argv[2] ?? join(root, 'docs', 'bench', 'depth-demo.json');

function poseloop(...args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`poseloop ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  return { ...JSON.parse(result.stdout), wallSeconds: (performance.now() - started) / 1000 };
}

/** Each pool sample's latest suggestion against its hidden label: image-plane error and ring coverage. */
function poolQuality(project) {
  const db = new Database(join(project, 'project.sqlite'), { readonly: true });
  const errors = [];
  let [inside1, inside2, withSigma] = [0, 0, 0];
  const pool = db.prepare("SELECT id FROM samples WHERE split = 'pool'").pluck().all();
  for (const id of pool) {
    const truth = db.prepare('SELECT joints FROM ground_truth WHERE sample_id = ?').pluck().get(id);
    const row = db
      .prepare('SELECT mean, epistemic_std FROM predictions WHERE sample_id = ? ORDER BY id DESC LIMIT 1')
      .get(id);
    if (!truth || !row) continue;
    const mean = new Float32Array(new Uint8Array(row.mean).buffer);
    const std = new Float32Array(new Uint8Array(row.epistemic_std).buffer);
    JSON.parse(truth).forEach((joint, j) => {
      if (joint.u === null) return;
      const error = Math.hypot(mean[3 * j] - joint.u, mean[3 * j + 1] - joint.v);
      errors.push(error);
      const sigma = Math.max(std[3 * j], std[3 * j + 1]);
      if (sigma > 0) {
        withSigma++;
        if (error <= sigma) inside1++;
        if (error <= 2 * sigma) inside2++;
      }
    });
  }
  db.close();
  errors.sort((a, b) => a - b);
  return {
    samples: pool.length,
    joints: errors.length,
    medianErrorPx: errors[Math.floor(errors.length / 2)],
    within10Px: errors.filter((e) => e <= 10).length / errors.length,
    coverage1Sigma: inside1 / withSigma,
    coverage2Sigma: inside2 / withSigma,
  };
}

const work = mkdtempSync(join(tmpdir(), 'poseloop-eval-depth-'));
try {
  const demo = join(work, 'demo');
  poseloop('init', demo, '--demo');
  const zeroShot = poseloop('zero-shot', demo, '--split', 'all');
  const round = poseloop('round', demo, '--sampler', 'cke');
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
        wallSeconds: round.wallSeconds,
        stageSeconds: round.stageSeconds,
        validation: round.suggestions,
        sigmaScale: round.metrics.sigmaScale,
        sigmaCoverage1: round.metrics.sigmaCoverage1,
        sigmaCoverage2: round.metrics.sigmaCoverage2,
      },
      pool: poolQuality(demo),
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
