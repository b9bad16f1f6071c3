/**
 * The annotator's edits as pure functions: each takes the working joints and returns the new array (never
 * mutating its input), or null when the edit does not apply. No DOM or Svelte here: the session store applies
 * the result and saves it, and test/unit/renderer checks these with exact numbers.
 */
import type { Joint } from '@shared/domain';
import {
  centroid,
  isPlaced,
  nextVisibility,
  transformPose,
  type ImagePoint,
  type PoseGesture,
} from '../lib/pose';

export type Joints = readonly Joint[];
/** The depth map's reading near an image point (mm), or null where it has none. */
export type DepthLookup = (u: number, v: number) => number | null;

/** A joint placed by hand stays `created`; any other joint the annotator touches becomes `moved`. */
export const touchedState = (j: Joint): Joint['state'] => (j.state === 'created' ? 'created' : 'moved');

function withJoint(joints: Joints, i: number, joint: Joint): Joint[] {
  const out = joints.map((j) => ({ ...j }));
  out[i] = joint;
  return out;
}

/** Drag in the image: new (u, v), depth kept; dragging an absent joint makes it visible. */
export function moveJoint(joints: Joints, i: number, u: number, v: number): Joint[] | null {
  const j = joints[i];
  if (!j) return null;
  const visibility = j.visibility === 'absent' ? 'visible' : j.visibility;
  return withJoint(joints, i, { ...j, u, v, visibility, state: touchedState(j) });
}

/** Drag in the 3D view: new (u, v, d), the depth rounded to 0.1 mm. */
export function moveJoint3d(joints: Joints, i: number, u: number, v: number, d: number): Joint[] | null {
  const j = joints[i];
  if (!j) return null;
  return withJoint(joints, i, { ...j, u, v, d: Math.round(d * 10) / 10, state: touchedState(j) });
}

/** Click on the image with joint i selected: the joint is created there, visible, at the given depth. */
export function placeJoint(
  joints: Joints,
  i: number,
  u: number,
  v: number,
  d: number | null,
): Joint[] | null {
  if (!joints[i]) return null;
  return withJoint(joints, i, { u, v, d, visibility: 'visible', state: 'created' });
}

/** The next joint after `from` (wrapping) that is not placed yet: where placing auto-advances to. */
export function nextMissing(joints: Joints, from: number): number | null {
  const n = joints.length;
  for (let step = 1; step < n; step++) {
    const next = (from + step) % n;
    if (!isPlaced(joints[next]!)) return next;
  }
  return null;
}

/** Arrow keys: move a placed joint by (du, dv) px. */
export function nudgeJoint(joints: Joints, i: number, du: number, dv: number): Joint[] | null {
  const j = joints[i];
  if (!j || !isPlaced(j)) return null;
  return withJoint(joints, i, { ...j, u: j.u + du, v: j.v + dv, state: touchedState(j) });
}

/** Accepts a predicted joint as it stands; null for any other state. */
export function acceptJoint(joints: Joints, i: number): Joint[] | null {
  const j = joints[i];
  if (!j || j.state !== 'predicted') return null;
  return withJoint(joints, i, { ...j, state: 'accepted' });
}

/** Accepts every placed, still-predicted joint whose σ (px) is below τ; joints without a σ are never accepted. */
export function acceptBelowTau(
  joints: Joints,
  sigma: (i: number) => number | null,
  tau: number,
): { joints: Joint[]; accepted: number[] } {
  const accepted: number[] = [];
  const out = joints.map((j, i) => {
    if (j.state !== 'predicted' || !isPlaced(j) || !((sigma(i) ?? Infinity) < tau)) return { ...j };
    accepted.push(i);
    return { ...j, state: 'accepted' as const };
  });
  return { joints: out, accepted };
}

/**
 * "Accept the prediction as is": every placed joint still `predicted` becomes `accepted` (moved, created and absent
 * joints stay as they are), so the label records that a person looked at it and agreed.
 */
export function acceptPrediction(joints: Joints): { joints: Joint[]; accepted: number[] } {
  return acceptBelowTau(joints, () => 0, Infinity);
}

/** The first joint in `order` (most uncertain first) still waiting for a decision: placed and predicted. */
export function nextUndecided(joints: Joints, order: readonly number[]): number | null {
  return order.find((i) => joints[i]?.state === 'predicted' && isPlaced(joints[i]!)) ?? null;
}

/** One step through `order` from the selected joint (wrapping); with nothing selected, its first or last joint. */
export function walkOrder(order: readonly number[], selected: number | null, step: 1 | -1): number | null {
  if (!order.length) return null;
  const at = selected === null ? -1 : order.indexOf(selected);
  const next = at === -1 ? (step === 1 ? 0 : order.length - 1) : (at + step + order.length) % order.length;
  return order[next]!;
}

export type VisibilityStep =
  /** The new joints; `forget` is the joint's position as it was, to keep for cycling back from absent. */
  | { joints: Joint[]; forget: Joint | null }
  /** Absent with no remembered position: the annotator has to place it. */
  | { joints: null; forget: null };

/** Visible → occluded → absent → visible; an absent joint comes back where it was (`remembered`). */
export function cycleVisibility(
  joints: Joints,
  i: number,
  remembered: Joint | undefined,
): VisibilityStep | null {
  const j = joints[i];
  if (!j) return null;
  const next = nextVisibility(j.visibility);
  if (next === 'absent')
    return {
      joints: withJoint(joints, i, { ...j, u: null, v: null, d: null, visibility: 'absent' }),
      forget: { ...j },
    };
  if (j.visibility === 'absent') {
    if (!remembered || !isPlaced(remembered)) return { joints: null, forget: null };
    return { joints: withJoint(joints, i, { ...remembered, visibility: 'visible' }), forget: null };
  }
  return { joints: withJoint(joints, i, { ...j, visibility: next }), forget: null };
}

/** Z: the depth of a placed joint set to the depth map's reading at (u, v). */
export function snapDepth(
  joints: Joints,
  i: number,
  depthAt: DepthLookup,
): { joints: Joint[] } | { joints: null; reason: 'not placed' | 'no depth reading' } {
  const j = joints[i];
  if (!j || !isPlaced(j)) return { joints: null, reason: 'not placed' };
  const d = depthAt(j.u, j.v);
  if (d === null) return { joints: null, reason: 'no depth reading' };
  return { joints: withJoint(joints, i, { ...j, d, state: touchedState(j) }) };
}

/** ±mm on a placed joint's depth (a joint without depth starts from the map's reading), never below 0. */
export function nudgeDepth(joints: Joints, i: number, mm: number, depthAt: DepthLookup): Joint[] | null {
  const j = joints[i];
  if (!j || !isPlaced(j)) return null;
  const d = j.d ?? depthAt(j.u, j.v) ?? 0;
  return withJoint(joints, i, { ...j, d: Math.max(0, d + mm), state: touchedState(j) });
}

/** The whole pose moved by a gesture around the centroid of `base` (the joints when the gesture began). */
export function movePose(base: Joints, gesture: PoseGesture): Joint[] | null {
  const c = centroid(base);
  return c ? transformPose(base, { ...gesture, cu: c.u, cv: c.v }) : null;
}

/** Moves joint i onto its refinement suggestion as an accepted joint (an absent one becomes visible). */
export function takeSuggestion(
  joints: Joints,
  i: number,
  suggestion: ImagePoint | null | undefined,
): Joint[] | null {
  const j = joints[i];
  if (!j || !suggestion) return null;
  const visibility = j.visibility === 'absent' ? 'visible' : j.visibility;
  return withJoint(joints, i, { ...j, u: suggestion.u, v: suggestion.v, visibility, state: 'accepted' });
}

/** Takes every pending suggestion at once. */
export function takeAllSuggestions(
  joints: Joints,
  suggestions: readonly (ImagePoint | null)[],
): { joints: Joint[]; taken: number[] } {
  let out = joints.map((j) => ({ ...j }));
  const taken: number[] = [];
  joints.forEach((_, i) => {
    const next = takeSuggestion(out, i, suggestions[i]);
    if (!next) return;
    out = next;
    taken.push(i);
  });
  return { joints: out, taken };
}
