/**
 * What an opened sample starts from: its working joints, the depth window and τ. Pure (no DOM or Svelte), tested
 * in test/unit/renderer.
 */
import type { Annotation, PredictionView } from '@shared/contract';
import type { Joint } from '@shared/domain';
import type { SkeletonLayout } from '@shared/skeletons';
import { absentJoints, jointsFromPrediction } from '../lib/pose';

/** Exactly n joints: the first n of `list`, padded with absent ones. */
export function fitJoints(list: readonly Joint[], n: number): Joint[] {
  const out = list.slice(0, n).map((j) => ({ ...j }));
  return out.length < n ? [...out, ...absentJoints(n - out.length)] : out;
}

/** The saved annotation if there is one, else the prediction, else nothing placed; sized to the skeleton. */
export function initialJoints(
  n: number,
  annotation: Annotation | null,
  prediction: PredictionView | null,
  withDepth: boolean,
): Joint[] {
  if (annotation) return fitJoints(annotation.joints, n);
  if (prediction) return fitJoints(jointsFromPrediction(prediction, withDepth), n);
  return absentJoints(n);
}

/** A skeleton this build does not know still opens: numbered joints without edges. */
export function unknownLayout(id: string, jointCount: number): SkeletonLayout {
  return { id, name: id, kind: 'hand', joints: [...Array(jointCount).keys()].map(String), edges: [] };
}

/** Default depth window (mm): the pose's depths −80 / +120 inside the image's range, else its robust range. */
export function depthWindow(
  joints: readonly Joint[],
  range: { min: number; max: number; low: number; high: number },
): { lo: number; hi: number } {
  const ds = joints.map((j) => j.d).filter((x): x is number => x !== null && x > 0);
  const lo = Math.round(ds.length ? Math.max(range.min, Math.min(...ds) - 80) : range.low);
  const hi = Math.round(ds.length ? Math.min(range.max, Math.max(...ds) + 120) : range.high);
  return { lo, hi: hi <= lo ? lo + 1 : hi };
}

/** τ starts at the median σ (px) of the prediction, to 0.1 px (the upper median for an even count); 3 without one. */
export function defaultTau(prediction: PredictionView | null): number {
  const sig = knownSigmas(prediction).sort((a, b) => a - b);
  return sig.length ? Math.round(sig[Math.floor(sig.length / 2)]! * 10) / 10 : 3;
}

/** The τ slider's maximum: one above the largest σ, at least 1. */
export function tauCeiling(prediction: PredictionView | null): number {
  return Math.max(1, Math.floor(Math.max(0, ...knownSigmas(prediction))) + 1);
}

/** The σ (px) of the joints whose model gives one. */
function knownSigmas(prediction: PredictionView | null): number[] {
  return prediction?.joints.flatMap((j) => (j.stdPx === null ? [] : [j.stdPx])) ?? [];
}
