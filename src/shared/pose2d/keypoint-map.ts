import { COCO17, type SkeletonLayout } from '../skeletons';

/**
 * Maps the 17 COCO keypoints of a pretrained detector onto a project's human layout. Joints the detector has are
 * copied; joints it lacks are derived by fixed anatomical rules and flagged `derived`, or left out (null):
 *   pelvis     = midpoint of the hips
 *   thorax     = midpoint of the shoulders
 *   neck       = shoulders + 0.6 · (ears − shoulders)   (upper neck, at the base of the skull)
 *   head top   = ears + 0.6 · (ears − shoulders)        (the vertex)
 * where "shoulders", "hips" and "ears" are midpoints of the pair. The 0.6 ratios come from adult anthropometry
 * (tragion ≈ 20 cm above the acromion line, vertex ≈ 12 cm above the tragion, base of the skull ≈ 8 cm below it),
 * not from any dataset. Without confident ears the head rules use the eyes, then the nose; a rule whose inputs are
 * all below `minScore` yields null, never an invented point. A derived joint's score is its weakest input's.
 */
/** The detector's keypoints: COCO's 17, in COCO's order (our COCO17 layout's joint names). */
export const COCO_KEYPOINTS: readonly string[] = COCO17.joints;

export const HEAD_RATIO = 0.6;
export const NECK_RATIO = 0.6;

export interface ScoredPoint {
  u: number;
  v: number;
  score: number;
}

export interface MappedJoint extends ScoredPoint {
  derived: boolean;
}

type Rule = (get: (name: string) => ScoredPoint | null) => ScoredPoint | null;

function mid(a: ScoredPoint | null, b: ScoredPoint | null): ScoredPoint | null {
  if (a === null || b === null) return a ?? b;
  return { u: (a.u + b.u) / 2, v: (a.v + b.v) / 2, score: Math.min(a.score, b.score) };
}

/** from + ratio · (to − from): a point on the line through two others. */
function along(from: ScoredPoint, to: ScoredPoint, ratio: number): ScoredPoint {
  return {
    u: from.u + ratio * (to.u - from.u),
    v: from.v + ratio * (to.v - from.v),
    score: Math.min(from.score, to.score),
  };
}

const pair = (get: (name: string) => ScoredPoint | null, name: string) =>
  mid(get(`l_${name}`), get(`r_${name}`));
/** The head's reference point: the ears' midpoint, else the eyes', else the nose. */
const headCentre = (get: (name: string) => ScoredPoint | null) =>
  pair(get, 'ear') ?? pair(get, 'eye') ?? get('nose');

const RULES: Readonly<Record<string, Rule>> = {
  pelvis: (get) => pair(get, 'hip'),
  thorax: (get) => pair(get, 'shoulder'),
  neck: (get) => {
    const [shoulders, head] = [pair(get, 'shoulder'), headCentre(get)];
    return shoulders && head ? along(shoulders, head, NECK_RATIO) : null;
  },
  head_top: (get) => {
    const [shoulders, head] = [pair(get, 'shoulder'), headCentre(get)];
    return shoulders && head ? along(head, shoulders, -HEAD_RATIO) : null;
  },
};

/**
 * `keypoints`: 17 points in COCO order (any image frame). Returns one entry per joint of `layout`: copied,
 * derived, or null where the layout's joint has no keypoint and no rule, or the inputs are all below `minScore`.
 */
export function mapCocoKeypoints(
  keypoints: readonly ScoredPoint[],
  layout: SkeletonLayout,
  minScore = 0,
): (MappedJoint | null)[] {
  if (keypoints.length !== COCO_KEYPOINTS.length)
    throw new Error(`expected ${COCO_KEYPOINTS.length} COCO keypoints, got ${keypoints.length}`);
  const byName = new Map<string, ScoredPoint>(COCO_KEYPOINTS.map((name, k) => [name, keypoints[k]!]));
  const get = (name: string): ScoredPoint | null => {
    const point = byName.get(name);
    return point !== undefined && point.score >= minScore ? point : null;
  };
  return layout.joints.map((name) => {
    const direct = byName.get(name);
    if (direct !== undefined) return { ...direct, derived: false };
    const derived = RULES[name]?.(get) ?? null;
    return derived === null ? null : { ...derived, derived: true };
  });
}
