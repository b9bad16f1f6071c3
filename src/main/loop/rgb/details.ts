import { poseLinkLogDensities, refinePose, type GridPoint, type HumanTree } from '@shared/pose2d';
import type { Peak } from '@shared/pose2d/peaks';
import { gridToCrop } from '@shared/pose2d/targets';
import { cropToImage, type PersonCrop } from '../../datasets';
import type { HeatmapPrediction } from '../../learner';

/** A joint is "ambiguous" when its second peak reaches this fraction of the first. */
const AMBIGUOUS_RATIO = 0.5;

/** The K peaks of joint j of sample i (NaN padding dropped), as the likelihood code takes them. */
export function peaksOf(prediction: HeatmapPrediction, i: number, j: number): Peak[] {
  const { maxPeaks, joints } = prediction;
  const peaks: Peak[] = [];
  for (let k = 0; k < maxPeaks; k++) {
    const at = ((i * joints + j) * maxPeaks + k) * 3;
    const row = prediction.peaks[at]!;
    if (Number.isNaN(row)) break;
    peaks.push({ row, col: prediction.peaks[at + 1]!, value: prediction.peaks[at + 2]! });
  }
  return peaks;
}

/**
 * What the annotate view shows beside a heatmap prediction of sample i: the refined pose (image px, null where it
 * keeps the top peak), per-link log-likelihoods and ambiguous joints; and the VL4Pose score over top peaks (the
 * sampler's default), so the queue and the view agree.
 */
export function predictionDetails(
  tree: HumanTree,
  prediction: HeatmapPrediction,
  i: number,
  crop: PersonCrop,
): { details: Record<string, unknown>; loglik: number | null } {
  const jointCount = prediction.joints;
  const peaks = Array.from({ length: jointCount }, (_, j) => peaksOf(prediction, i, j));
  const ambiguous = peaks.flatMap((p, joint) =>
    p.length > 1 && p[0]!.value > 0 && p[1]!.value / p[0]!.value >= AMBIGUOUS_RATIO
      ? [{ joint, ratio: p[1]!.value / p[0]!.value }]
      : [],
  );
  if (!prediction.linkParams)
    return { details: { refined: peaks.map(() => null), links: [], ambiguous }, loglik: null };
  const params = prediction.linkParams.subarray(i * tree.links.length * 2, (i + 1) * tree.links.length * 2);
  const toImage = (p: GridPoint) =>
    cropToImage(
      crop,
      prediction.inputSize,
      gridToCrop(p.row, prediction.inputSize, prediction.gridSize),
      gridToCrop(p.col, prediction.inputSize, prediction.gridSize),
    );
  const refined = refinePose(tree, peaks, params);
  const changed = new Set(refined.changed);
  const top = peaks.map((p) => ({ row: p[0]!.row, col: p[0]!.col }));
  const perLink = poseLinkLogDensities(tree, top, params);
  return {
    details: {
      refined: refined.positions.map((p, j) => (changed.has(j) ? toImage(p) : null)),
      links: tree.links.map(([parent, child], k) => ({ parent, child, loglik: perLink[k]! })),
      ambiguous,
    },
    loglik: perLink.reduce((sum, value) => sum + value, 0),
  };
}
