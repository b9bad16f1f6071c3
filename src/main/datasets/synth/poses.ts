import type { Rng } from '@shared/random';

export const POSE_FAMILIES = ['open', 'fist', 'point', 'pinch', 'grasp', 'random'] as const;
export type PoseFamily = (typeof POSE_FAMILIES)[number];

type Range = readonly [number, number];

interface FingerRanges {
  mcp: Range;
  pip: Range;
}

interface ThumbRanges {
  /** Palmar abduction: swings the thumb out of the palm plane towards the fingers. */
  opposition: Range;
  /** Flexion at the base (canonical "mcp" slot, anatomically the CMC). */
  base: Range;
  /** Flexion at the anatomical MCP (canonical "pip" slot). */
  middle: Range;
  /** Flexion at the IP joint (canonical "dip" slot). */
  distal: Range;
}

interface FamilyRanges {
  /** index, middle, ring, little. */
  fingers: readonly [FingerRanges, FingerRanges, FingerRanges, FingerRanges];
  /** Multiplies each finger's rest splay angle. */
  spread: Range;
  thumb: ThumbRanges;
}

/** Anatomical limits in degrees; every family is clamped to them. */
const LIMITS = {
  mcp: [-20, 90],
  pip: [0, 110],
  dip: [0, 80],
  abductionJitter: [-6, 6],
  thumb: { opposition: [0, 80], base: [-10, 50], middle: [-10, 60], distal: [-15, 80] },
} as const satisfies Record<string, Range | Record<string, Range>>;

const OPEN: FingerRanges = { mcp: [-15, 15], pip: [0, 15] };
const CURLED: FingerRanges = { mcp: [75, 90], pip: [90, 110] };
const FOLDED_THUMB: ThumbRanges = {
  opposition: [30, 50],
  base: [20, 40],
  middle: [30, 60],
  distal: [20, 50],
};

/** Joint-angle ranges (degrees) per pose family. */
export const FAMILY_RANGES: Readonly<Record<PoseFamily, FamilyRanges>> = {
  open: {
    fingers: [OPEN, OPEN, OPEN, OPEN],
    spread: [0.5, 1.5],
    thumb: { opposition: [0, 25], base: [0, 15], middle: [0, 15], distal: [0, 15] },
  },
  fist: { fingers: [CURLED, CURLED, CURLED, CURLED], spread: [0, 0.3], thumb: FOLDED_THUMB },
  point: {
    fingers: [{ mcp: [-5, 15], pip: [0, 15] }, CURLED, CURLED, CURLED],
    spread: [0, 0.5],
    thumb: FOLDED_THUMB,
  },
  pinch: {
    fingers: [
      { mcp: [30, 55], pip: [30, 60] },
      { mcp: [0, 40], pip: [0, 40] },
      { mcp: [0, 40], pip: [0, 40] },
      { mcp: [0, 40], pip: [0, 40] },
    ],
    spread: [0.2, 0.8],
    thumb: { opposition: [45, 70], base: [10, 30], middle: [10, 30], distal: [10, 40] },
  },
  grasp: {
    fingers: [
      { mcp: [35, 60], pip: [40, 75] },
      { mcp: [35, 60], pip: [40, 75] },
      { mcp: [35, 60], pip: [40, 75] },
      { mcp: [35, 60], pip: [40, 75] },
    ],
    spread: [0.2, 0.6],
    thumb: { opposition: [40, 65], base: [10, 30], middle: [10, 30], distal: [10, 30] },
  },
  random: {
    fingers: [
      { mcp: LIMITS.mcp, pip: LIMITS.pip },
      { mcp: LIMITS.mcp, pip: LIMITS.pip },
      { mcp: LIMITS.mcp, pip: LIMITS.pip },
      { mcp: LIMITS.mcp, pip: LIMITS.pip },
    ],
    spread: [0, 1.5],
    thumb: LIMITS.thumb,
  },
};

/** Joint angles in radians. Fingers are index, middle, ring, little; thumb last. */
export interface HandPose {
  /** Per finger (5 × 3): flexion at the canonical MCP, PIP and DIP slots; finger 4 is the thumb. */
  flexion: Float64Array;
  /** Per finger (4): sideways angle towards the thumb side; the thumb uses `opposition` instead. */
  abduction: Float64Array;
  opposition: number;
}

/** Rest splay of index, middle, ring, little (degrees, positive = towards the thumb). */
const REST_SPLAY = [8, 0, -8, -16] as const;
/** DIP follows PIP (tendon coupling): DIP ≈ 2/3 · PIP. */
const DIP_PER_PIP = 2 / 3;
const DEG = Math.PI / 180;

const clamp = (value: number, [lo, hi]: Range): number => Math.min(hi, Math.max(lo, value));
const draw = (rng: Rng, [lo, hi]: Range): number => rng.uniform(lo, hi);

export function samplePose(rng: Rng, family: PoseFamily): HandPose {
  const ranges = FAMILY_RANGES[family];
  const flexion = new Float64Array(15);
  const abduction = new Float64Array(4);
  const spread = draw(rng, ranges.spread);
  ranges.fingers.forEach((finger, f) => {
    const pip = clamp(draw(rng, finger.pip), LIMITS.pip);
    flexion[3 * f] = clamp(draw(rng, finger.mcp), LIMITS.mcp) * DEG;
    flexion[3 * f + 1] = pip * DEG;
    flexion[3 * f + 2] = clamp(pip * DIP_PER_PIP + rng.normal() * 3, LIMITS.dip) * DEG;
    abduction[f] = (REST_SPLAY[f]! * spread + draw(rng, LIMITS.abductionJitter)) * DEG;
  });
  const thumb = ranges.thumb;
  flexion[12] = clamp(draw(rng, thumb.base), LIMITS.thumb.base) * DEG;
  flexion[13] = clamp(draw(rng, thumb.middle), LIMITS.thumb.middle) * DEG;
  flexion[14] = clamp(draw(rng, thumb.distal), LIMITS.thumb.distal) * DEG;
  return {
    flexion,
    abduction,
    opposition: clamp(draw(rng, thumb.opposition), LIMITS.thumb.opposition) * DEG,
  };
}

/** Picks a family with probability proportional to its weight. */
export function pickFamily(rng: Rng, weights: Readonly<Partial<Record<PoseFamily, number>>>): PoseFamily {
  const entries = POSE_FAMILIES.map((family) => [family, Math.max(0, weights[family] ?? 0)] as const).filter(
    ([, w]) => w > 0,
  );
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total === 0) throw new Error('no pose family has a positive weight');
  let threshold = rng.next() * total;
  for (const [family, weight] of entries) {
    threshold -= weight;
    if (threshold < 0) return family;
  }
  return entries[entries.length - 1]![0];
}
