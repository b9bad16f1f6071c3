// What the `npm run eval:*` scripts share: running the built `poseloop` command line with --json, a demo project's
// first round measured the same way, the summary of `poseloop evaluate` (the suggestions an annotator sees, against
// the labels or the demo's hidden oracle) they record, and writing the report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from '../ensure.mjs';

const cli = join(root, 'bin', 'poseloop.js');

/** Runs `poseloop <args> --json`; returns its parsed output and the command's wall time in seconds. */
export function poseloopTimed(...args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0)
    throw new Error(`poseloop ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  return { output: JSON.parse(result.stdout), wallSeconds: (performance.now() - started) / 1000 };
}

/** Runs `poseloop <args> --json` and returns its parsed output. */
export function poseloop(...args) {
  return poseloopTimed(...args).output;
}

/**
 * The suggestion-quality block of a demo report, from `poseloop evaluate`: the keys the depth report has always had
 * (samples scored, joints, median px, share within 10 px, coverage of the stored σ rings), which models the
 * suggestions came from, and the modality's own figures (mm for hands; PCKh and collapsed shoulders for people).
 */
export function suggestionQuality(evaluation) {
  const common = {
    samples: evaluation.scoredSamples,
    joints: evaluation.joints,
    missingJoints: evaluation.missingJoints,
    medianErrorPx: evaluation.medianErrorPx,
    within10Px: evaluation.within10Px,
    coverage1Sigma: evaluation.sigma?.within1Sigma ?? null,
    coverage2Sigma: evaluation.sigma?.within2Sigma ?? null,
    sigmaJoints: evaluation.sigma?.joints ?? 0,
    sources: evaluation.sources,
  };
  if (evaluation.modality === 'depth')
    return { ...common, medianErrorMm: evaluation.medianErrorMm, meanErrorMm: evaluation.meanErrorMm };
  return {
    ...common,
    pckh: evaluation.pckh,
    pckhIgnoringSides: evaluation.pckhIgnoringSides,
    collapsedShoulders: evaluation.collapsedShoulders,
  };
}

/**
 * A demo project's first round, as every eval measures it: `init <initArgs> --demo`, zero-shot on every split, one
 * round with `sampler` (timed), then `evaluate` on the pool. The project lives in `work`.
 */
export function demoRound(work, initArgs, sampler) {
  const demo = join(work, 'demo');
  poseloop('init', demo, ...initArgs, '--demo');
  const zeroShot = poseloop('zero-shot', demo, '--split', 'all');
  const { output: round, wallSeconds } = poseloopTimed('round', demo, '--sampler', sampler);
  const pool = poseloop('evaluate', demo, '--split', 'pool');
  return { zeroShot, round, wallSeconds, pool };
}

/** What a round reports of its stages, its suggestions on the validation split and their σ calibration. */
export function roundCalibration(round) {
  return {
    stageSeconds: round.stageSeconds,
    validation: round.suggestions,
    sigmaScale: round.metrics.sigmaScale,
    sigmaCoverage1: round.metrics.sigmaCoverage1,
    sigmaCoverage2: round.metrics.sigmaCoverage2,
  };
}

/**
 * Runs `measure(work)` in a fresh temporary folder (removed afterwards, whatever happens) and writes the report it
 * returns to `out` as JSON, printing it too.
 */
export function writeReport(name, out, measure) {
  const work = mkdtempSync(join(tmpdir(), `poseloop-eval-${name}-`));
  try {
    const report = measure(work);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
