import type { Joint } from '@shared/domain';
import type { PredictionView, SampleRow } from '@shared/contract';
import type { SkeletonLayout } from '@shared/skeletons';

export type Pinhole = { fx: number; fy: number; cx: number; cy: number };
export type ImagePoint = { u: number; v: number };
/** An RGB sample's person box [x, y, width, height] in image px. */
export type PersonBox = NonNullable<SampleRow['box']>;
/** What a heatmap model adds to its prediction: refinement suggestions, per-link likelihoods, torn joints. */
export type PredictionDetails = NonNullable<PredictionView['details']>;
/** A skeleton link drawn in the warning colour; `note` is its tooltip. */
export interface WarnedLink {
  parent: number;
  child: number;
  note: string;
}

/** The camera the renderer back-projects with, and how to describe it to the annotator. */
export interface CameraGuess {
  camera: Pinhole;
  exact: boolean;
  label: string;
}

/** The dataset's own intrinsics when the sample has them; otherwise a nominal pinhole, flagged as an assumption. */
export function cameraFor(intrinsics: Pinhole | null, width: number, height: number): CameraGuess {
  if (intrinsics) {
    const { fx, fy, cx, cy } = intrinsics;
    return {
      camera: { fx, fy, cx, cy },
      exact: true,
      label: `dataset intrinsics fx ${fx.toFixed(1)}, fy ${fy.toFixed(1)}`,
    };
  }
  const f = 0.75 * width;
  return {
    camera: { fx: f, fy: f, cx: width / 2, cy: height / 2 },
    exact: false,
    label: `assumed pinhole f=${f.toFixed(0)} px (this dataset has no intrinsics)`,
  };
}

export const isPlaced = (j: Joint): j is Joint & { u: number; v: number } => j.u !== null && j.v !== null;

/** The prediction as editable joints (state `predicted`, visible); RGB joints have no depth (the model says 0). */
export function jointsFromPrediction(prediction: PredictionView, withDepth: boolean): Joint[] {
  return prediction.joints.map((p) =>
    p.u === null || p.v === null
      ? { u: null, v: null, d: null, visibility: 'absent', state: 'predicted' }
      : { u: p.u, v: p.v, d: withDepth ? p.d : null, visibility: 'visible', state: 'predicted' },
  );
}

export function absentJoints(n: number): Joint[] {
  return Array.from({ length: n }, () => ({
    u: null,
    v: null,
    d: null,
    visibility: 'absent' as const,
    state: 'created' as const,
  }));
}

/**
 * Joint indices from most to least uncertain (epistemic σ in px; a joint whose model gives no σ counts as most
 * uncertain; joints without any prediction go last, in order).
 */
export function uncertaintyOrder(n: number, prediction: PredictionView | null): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (!prediction) return idx;
  const sigma = (i: number) => {
    const joint = prediction.joints[i];
    return joint === undefined ? -1 : (joint.stdPx ?? Infinity);
  };
  return idx.sort((a, b) => sigma(b) - sigma(a) || a - b);
}

export function centroid(joints: readonly Joint[]): { u: number; v: number } | null {
  let su = 0;
  let sv = 0;
  let n = 0;
  for (const j of joints) {
    if (!isPlaced(j)) continue;
    su += j.u;
    sv += j.v;
    n++;
  }
  return n ? { u: su / n, v: sv / n } : null;
}

/** A whole-pose gesture: translate (px), rotate (rad) and scale. */
export interface PoseGesture {
  du: number;
  dv: number;
  angle: number;
  scale: number;
}

/** Rigid-plus-scale transform of the whole pose around (cu, cv): rotate by `angle` (rad), scale, then translate. */
export function transformPose(
  base: readonly Joint[],
  t: { du: number; dv: number; angle: number; scale: number; cu: number; cv: number },
): Joint[] {
  const cos = Math.cos(t.angle) * t.scale;
  const sin = Math.sin(t.angle) * t.scale;
  return base.map((j) => {
    if (!isPlaced(j)) return { ...j };
    const x = j.u - t.cu;
    const y = j.v - t.cv;
    return {
      ...j,
      u: t.cu + cos * x - sin * y + t.du,
      v: t.cv + sin * x + cos * y + t.dv,
      state: j.state === 'created' ? 'created' : 'moved',
    };
  });
}

export interface BoneLength {
  parent: number;
  child: number;
  /** Edge class: the child's depth in the tree (1 = from the root, 2 = next segment, …). */
  level: number;
  mm: number | null;
  median: number | null;
  flagged: boolean;
}

/** Bone lengths in mm via back-projection, flagged when more than `tolerance` away from their class's median. */
export function boneLengths(
  joints: readonly Joint[],
  layout: SkeletonLayout,
  camera: Pinhole,
  tolerance = 0.35,
): BoneLength[] {
  const depthOf = new Map<number, number>([[0, 0]]);
  const xyz = (j: Joint): [number, number, number] | null =>
    isPlaced(j) && j.d !== null && j.d > 0
      ? [((j.u - camera.cx) * j.d) / camera.fx, ((j.v - camera.cy) * j.d) / camera.fy, j.d]
      : null;
  // Edges are [parent, child] and form a tree rooted at 0; resolve levels iteratively (edge order may vary).
  for (let pass = 0; pass < layout.edges.length; pass++) {
    for (const [p, c] of layout.edges)
      if (depthOf.has(p) && !depthOf.has(c)) depthOf.set(c, depthOf.get(p)! + 1);
  }
  const bones: BoneLength[] = layout.edges.map(([p, c]) => {
    const a = joints[p] ? xyz(joints[p]) : null;
    const b = joints[c] ? xyz(joints[c]) : null;
    const mm = a && b ? Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) : null;
    return { parent: p, child: c, level: depthOf.get(c) ?? 0, mm, median: null, flagged: false };
  });
  const byLevel = new Map<number, number[]>();
  for (const b of bones) if (b.mm !== null) byLevel.set(b.level, [...(byLevel.get(b.level) ?? []), b.mm]);
  for (const b of bones) {
    const values = (byLevel.get(b.level) ?? []).slice().sort((x, y) => x - y);
    if (values.length < 3 || b.mm === null) continue;
    const mid = values.length >> 1;
    b.median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    b.flagged = b.median > 0 && Math.abs(b.mm - b.median) > tolerance * b.median;
  }
  return bones;
}

/** Per joint, the refinement suggestion still worth offering: null where there is none or the joint is already there. */
export function pendingSuggestions(
  joints: readonly Joint[],
  details: PredictionDetails | null,
): (ImagePoint | null)[] {
  return joints.map((j, i) => {
    const s = details?.refined[i];
    if (!s) return null;
    return isPlaced(j) && Math.hypot(j.u - s.u, j.v - s.v) < 0.5 ? null : s;
  });
}

/** The `count` links whose predicted length the skeleton model finds least likely, least likely first. */
export function leastLikelyLinks(details: PredictionDetails | null, count = 3): PredictionDetails['links'] {
  return (details?.links ?? [])
    .slice()
    .sort((a, b) => a.loglik - b.loglik)
    .slice(0, count);
}

/**
 * The least likely links with where the annotator stands on them: `checked` once neither end is still as predicted
 * (accepted, moved or placed), so the panel follows the edits; unchecked links first.
 */
export function reviewedLinks(
  links: PredictionDetails['links'],
  joints: readonly Joint[],
): (PredictionDetails['links'][number] & { checked: boolean })[] {
  const open = (i: number) => joints[i]?.state === 'predicted';
  return links
    .map((l) => ({ ...l, checked: !open(l.parent) && !open(l.child) }))
    .sort((a, b) => Number(a.checked) - Number(b.checked));
}

/** A person box around the placed joints, with a margin of 15 % of its larger side (at least 10 px), inside the image. */
export function boxAround(joints: readonly Joint[], width: number, height: number): PersonBox | null {
  const placed = joints.filter(isPlaced);
  if (placed.length < 2) return null;
  const u0 = Math.min(...placed.map((j) => j.u));
  const v0 = Math.min(...placed.map((j) => j.v));
  const u1 = Math.max(...placed.map((j) => j.u));
  const v1 = Math.max(...placed.map((j) => j.v));
  const margin = Math.max(10, 0.15 * Math.max(u1 - u0, v1 - v0));
  const x = Math.max(0, u0 - margin);
  const y = Math.max(0, v0 - margin);
  const w = Math.min(width, u1 + margin) - x;
  const h = Math.min(height, v1 + margin) - y;
  const round = (n: number) => Math.round(n * 10) / 10;
  return [round(x), round(y), round(w), round(h)];
}

/** Next visibility in the cycle visible → occluded → absent → visible. */
export function nextVisibility(v: Joint['visibility']): Joint['visibility'] {
  return v === 'visible' ? 'occluded' : v === 'occluded' ? 'absent' : 'visible';
}

export const STATE_COLOURS: Readonly<Record<Joint['state'], string>> = {
  predicted: '#ffb020',
  accepted: '#2fd27a',
  moved: '#3fa7ff',
  created: '#e05cff',
};

/** Refinement suggestions (hollow markers) and links the skeleton model finds unlikely. */
export const SUGGESTION_COLOUR = '#3ff0ff';
export const WARNING_COLOUR = '#ff5a36';
/** Links and left/right pairs that label QC flagged on the opened label. */
export const QC_COLOUR = '#ff3fd2';

/** Certain (green) → uncertain (red) for t in [0, 1]. */
export function uncertaintyColour(t: number, alpha = 1): string {
  const h = 120 * (1 - Math.max(0, Math.min(1, t)));
  return `hsla(${h.toFixed(0)}, 90%, 55%, ${alpha})`;
}
