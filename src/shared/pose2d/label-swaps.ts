/**
 * The left/right swap search of label QC (see label-qc.ts for the rules): which swaps to try, what the prediction says
 * about one, and the greedy search that reports one flag per mistake. Pure float64 code.
 */
import { mirrorPairs, type SkeletonLayout } from '../skeletons';
import type { LabelFlag } from './label-qc';
import type { GridPoint, HumanTree } from './likelihood';

/** A label's joints, null where absent. */
export type Pose = readonly (GridPoint | null)[];
type SwapFlag = Extract<LabelFlag, { kind: 'lr-swap' }>;

/** Fraction of a perfect swap's distance gain the prediction must show before it counts as disagreeing. */
const SWAP_EVIDENCE = 0.75;
/** …and at least this fraction of the label's median link length (a hesitating model must not accuse close joints). */
export const SWAP_MARGIN = 0.5;
const ARM = ['shoulder', 'elbow', 'wrist'];
const LEG = ['hip', 'knee', 'ankle'];

export const distance = (a: GridPoint, b: GridPoint): number => Math.hypot(a.row - b.row, a.col - b.col);

/** Swap candidates: every mirror pair on its own, then each whole arm and leg (when the layout has 2+ of its pairs). */
export function swapCandidates(layout: SkeletonLayout): [number, number][][] {
  const pairs = mirrorPairs(layout);
  const limb = (parts: string[]): [number, number][] =>
    pairs.filter(([left]) => parts.includes(layout.joints[left]!.slice(2)));
  const limbs = [limb(ARM), limb(LEG)].filter((group) => group.length >= 2);
  return [...pairs.map((pair) => [pair]), ...limbs];
}

/** The prediction's verdict on one swap of one label: its distance gain (px) and whether it disagrees. */
export function predictionVerdict(
  label: Pose,
  prediction: readonly GridPoint[],
  pairs: [number, number][],
  margin: number,
) {
  let gain = 0;
  let perfect = 0;
  for (const [l, r] of pairs) {
    const [a, b] = [label[l]!, label[r]!];
    gain += distance(a, prediction[l]!) + distance(b, prediction[r]!);
    gain -= distance(b, prediction[l]!) + distance(a, prediction[r]!);
    perfect += 2 * distance(a, b);
  }
  return { gain, disagrees: gain >= Math.max(margin, SWAP_EVIDENCE * perfect) };
}

/** The greedy swap search of one label (see labelQcSet). */
export function swapFlags(
  tree: HumanTree,
  layout: SkeletonLayout,
  candidates: [number, number][][],
  pose: Pose,
  zOf: (pose: Pose) => Float64Array,
  { limitZ, swapZ }: { limitZ: number; swapZ: number },
  prediction: readonly GridPoint[] | undefined,
  margin: number,
): LabelFlag[] {
  const touches = (pairs: [number, number][]) => {
    const joints = new Set(pairs.flat());
    return tree.links.flatMap(([a, b], k) => (joints.has(a) || joints.has(b) ? [k] : []));
  };
  const worst = (z: Float64Array, links: number[]): number =>
    Math.max(-Infinity, ...links.map((k) => z[k]!).filter(Number.isFinite));
  const trySwap = (label: Pose, pairs: [number, number][]) => {
    const swapped = [...label];
    for (const [left, right] of pairs) [swapped[left], swapped[right]] = [label[right]!, label[left]!];
    const links = touches(pairs);
    const before = worst(zOf(label), links);
    const after = worst(zOf(swapped), links);
    const byLength = before > limitZ && after <= swapZ;
    const verdict = prediction ? predictionVerdict(label, prediction, pairs, margin) : null;
    const byPrediction = verdict?.disagrees ?? false;
    if (!byLength && !byPrediction) return null;
    const names = pairs
      .flat()
      .map((j) => layout.joints[j])
      .join(', ');
    const evidence = [
      byLength
        ? `swapping left and right makes every link they touch plausible (robust z ${before.toFixed(1)} → ${after.toFixed(1)})`
        : '',
      byPrediction ? `the swapped label is ${verdict!.gain.toFixed(1)} px closer to the prediction` : '',
    ].filter(Boolean);
    const flag: SwapFlag = {
      kind: 'lr-swap',
      pairs,
      zDrop: byLength ? before - after : 0,
      distanceGainPx: byPrediction ? verdict!.gain : null,
      sentence: `Left and right may be swapped (${names}): ${evidence.join(', and ')}.`,
    };
    // Ranked by the z drop plus the prediction's gain relative to the margin, so a whole limb outranks its pairs.
    return { flag, swapped, strength: flag.zDrop + (byPrediction ? verdict!.gain / margin : 0) };
  };
  // Greedy: report the strongest swap, apply it, then re-check the candidates it does not touch on the corrected
  // label, so one mistake is reported once (a wrist swap also makes "swap the elbows back" look better).
  const flags: LabelFlag[] = [];
  let label = pose;
  let open = candidates.filter((pairs) => pairs.flat().every((j) => pose[j]));
  for (;;) {
    const found = open.map((pairs) => trySwap(label, pairs)).filter((swap) => swap !== null);
    if (found.length === 0) return flags;
    const best = found.reduce((a, b) => (b.strength > a.strength ? b : a));
    flags.push(best.flag);
    label = best.swapped;
    const used = new Set(best.flag.pairs.flat());
    open = open.filter((pairs) => !pairs.flat().some((j) => used.has(j)));
  }
}
