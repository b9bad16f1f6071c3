/**
 * Collapsed pairs: a pose model that has not learnt a person's width puts both shoulders (or both ankles) on one
 * point; issue 14 measured it on 66 % of the RGB demo's pool. Pure code, image pixels.
 */
import type { SkeletonLayout } from '../skeletons';

/** How many poses place both joints of a pair, and how many of those put them within the radius of each other. */
export interface CollapsedPairs {
  images: number;
  collapsed: number;
  /** collapsed / images; null when no pose places both joints. */
  share: number | null;
}

/** Distance (px) at or below which two suggested joints count as one point. */
export const COLLAPSE_RADIUS_PX = 2;

/** The layout's (l_shoulder, r_shoulder) indices, or null when it lacks either. */
export function shoulderPair(layout: SkeletonLayout): [number, number] | null {
  const [left, right] = [layout.joints.indexOf('l_shoulder'), layout.joints.indexOf('r_shoulder')];
  return left < 0 || right < 0 ? null : [left, right];
}

type MaybePoint = { u: number | null; v: number | null } | null | undefined;

const placed = (p: MaybePoint): p is { u: number; v: number } =>
  p !== null &&
  p !== undefined &&
  p.u !== null &&
  p.v !== null &&
  Number.isFinite(p.u) &&
  Number.isFinite(p.v);

/**
 * Counts the poses whose joints `a` and `b` lie at most `radiusPx` apart, over the poses that place both (a null
 * joint, or one with a non-finite coordinate, is not placed). O(n).
 */
export function collapsedPairs(
  poses: readonly (readonly MaybePoint[])[],
  [a, b]: readonly [number, number],
  radiusPx = COLLAPSE_RADIUS_PX,
): CollapsedPairs {
  let images = 0;
  let collapsed = 0;
  for (const pose of poses) {
    const [p, q] = [pose[a], pose[b]];
    if (!placed(p) || !placed(q)) continue;
    images++;
    if (Math.hypot(p.u - q.u, p.v - q.v) <= radiusPx) collapsed++;
  }
  return { images, collapsed, share: images > 0 ? collapsed / images : null };
}
