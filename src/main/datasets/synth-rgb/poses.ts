import type { Rng } from '@shared/random';

export const HUMAN_POSE_FAMILIES = [
  'standing',
  'walking',
  'arms_raised',
  'squatting',
  'kicking',
  'reaching',
  'random',
] as const;
export type HumanPoseFamily = (typeof HUMAN_POSE_FAMILIES)[number];

/**
 * One limb's angles (radians, body frame of figure.ts). Proximal segment: `elevation` from hanging straight down (0)
 * to straight up (π); `azimuth` from sideways-out (0) towards forward (+π/2) or backward (−π/2). Distal segment:
 * `bend` at the elbow/knee (0 = straight), `twist` of the hinge about the proximal segment.
 */
export interface LimbAngles {
  elevation: number;
  azimuth: number;
  bend: number;
  twist: number;
}

/** Joint angles in radians. `arms` and `legs` are [left, right]. */
export interface HumanPose {
  /** Forward lean of the torso (positive = chest forward). */
  torsoLean: number;
  /** Sideways bend (positive = towards the person's left). */
  torsoSide: number;
  /** Shoulders turned about the spine (the hips follow by a third). */
  torsoTwist: number;
  /** Clavicles raised (positive) or dropped (negative) from horizontal. */
  shrug: number;
  headNod: number;
  headTilt: number;
  /** The face turned left/right (does not move the head joints). */
  headTurn: number;
  arms: [LimbAngles, LimbAngles];
  legs: [LimbAngles, LimbAngles];
}

type Range = readonly [number, number];

/** Joint limits in degrees; every family is clamped to them. */
export const HUMAN_LIMITS = {
  torsoLean: [-25, 70],
  torsoSide: [-30, 30],
  torsoTwist: [-45, 45],
  shrug: [-15, 20],
  headNod: [-30, 45],
  headTilt: [-25, 25],
  headTurn: [-60, 60],
  arm: { elevation: [0, 180], azimuth: [-60, 120], bend: [0, 150], twist: [-60, 90] },
  leg: { elevation: [0, 130], azimuth: [-90, 100], bend: [0, 150], twist: [-20, 20] },
} as const;

/** The highest hip elevation (degrees) for a leg azimuth: far forward, less sideways, little backward. */
export function maxLegElevation(azimuthDeg: number): number {
  const forwardness = Math.sin((azimuthDeg * Math.PI) / 180); // −1 back … 1 forward
  return forwardness >= 0 ? 60 + 70 * forwardness : 60 - 30 * -forwardness;
}

const DEG = Math.PI / 180;
const clamp = (value: number, [lo, hi]: Range): number => Math.min(hi, Math.max(lo, value));

interface LimbRanges {
  elevation: Range;
  azimuth: Range;
  bend: Range;
  twist: Range;
}

const drawLimb = (rng: Rng, r: LimbRanges): LimbAngles => ({
  elevation: rng.uniform(...r.elevation),
  azimuth: rng.uniform(...r.azimuth),
  bend: rng.uniform(...r.bend),
  twist: rng.uniform(...r.twist),
});

const HANGING_ARM: LimbRanges = { elevation: [0, 20], azimuth: [-20, 60], bend: [0, 30], twist: [-20, 20] };
const STANDING_LEG: LimbRanges = { elevation: [0, 10], azimuth: [-10, 40], bend: [0, 10], twist: [-10, 10] };

interface Draft {
  torsoLean: number;
  torsoSide: number;
  torsoTwist: number;
  shrug: number;
  arms: [LimbAngles, LimbAngles];
  legs: [LimbAngles, LimbAngles];
}

/** Family samplers in degrees; `side` 0 or 1 picks which arm/leg acts (so both sides do every action). */
const FAMILY_SAMPLERS: Record<HumanPoseFamily, (rng: Rng, side: 0 | 1) => Draft> = {
  standing: (rng) => ({
    torsoLean: rng.uniform(-5, 10),
    torsoSide: rng.uniform(-5, 5),
    torsoTwist: rng.uniform(-10, 10),
    shrug: rng.uniform(-12, -4),
    arms: [drawLimb(rng, HANGING_ARM), drawLimb(rng, HANGING_ARM)],
    legs: [drawLimb(rng, STANDING_LEG), drawLimb(rng, STANDING_LEG)],
  }),
  walking: (rng, side) => {
    const stride = rng.uniform(15, 35);
    const legs: [LimbAngles, LimbAngles] = [
      { elevation: stride, azimuth: rng.uniform(80, 95), bend: rng.uniform(0, 20), twist: 0 },
      {
        elevation: stride * rng.uniform(0.6, 1),
        azimuth: rng.uniform(-95, -80),
        bend: rng.uniform(15, 60),
        twist: 0,
      },
    ];
    const swing = stride * rng.uniform(0.5, 1.1);
    const arms: [LimbAngles, LimbAngles] = [
      {
        elevation: swing,
        azimuth: rng.uniform(-95, -70),
        bend: rng.uniform(0, 20),
        twist: rng.uniform(-10, 10),
      },
      {
        elevation: swing,
        azimuth: rng.uniform(70, 95),
        bend: rng.uniform(10, 45),
        twist: rng.uniform(-10, 10),
      },
    ];
    if (side === 1) {
      legs.reverse();
      arms.reverse();
    }
    return {
      torsoLean: rng.uniform(0, 10),
      torsoSide: rng.uniform(-4, 4),
      torsoTwist: rng.uniform(-10, 10),
      shrug: rng.uniform(-12, -4),
      arms,
      legs,
    };
  },
  arms_raised: (rng, side) => {
    const raised: LimbRanges = { elevation: [120, 180], azimuth: [-10, 60], bend: [0, 60], twist: [-30, 60] };
    const arms: [LimbAngles, LimbAngles] = [drawLimb(rng, raised), drawLimb(rng, raised)];
    if (rng.next() < 0.25) arms[side] = drawLimb(rng, HANGING_ARM);
    return {
      torsoLean: rng.uniform(-10, 5),
      torsoSide: rng.uniform(-8, 8),
      torsoTwist: rng.uniform(-10, 10),
      shrug: rng.uniform(0, 15),
      arms,
      legs: [drawLimb(rng, STANDING_LEG), drawLimb(rng, STANDING_LEG)],
    };
  },
  squatting: (rng) => {
    const sitting = rng.next() < 0.5;
    const leg: LimbRanges = sitting
      ? { elevation: [70, 100], azimuth: [75, 100], bend: [70, 110], twist: [-10, 10] }
      : { elevation: [95, 125], azimuth: [50, 90], bend: [110, 150], twist: [-10, 10] };
    const arm: LimbRanges = { elevation: [10, 90], azimuth: [30, 100], bend: [0, 100], twist: [-20, 40] };
    return {
      torsoLean: sitting ? rng.uniform(-10, 20) : rng.uniform(20, 50),
      torsoSide: rng.uniform(-8, 8),
      torsoTwist: rng.uniform(-15, 15),
      shrug: rng.uniform(-10, 0),
      arms: [drawLimb(rng, arm), drawLimb(rng, arm)],
      legs: [drawLimb(rng, leg), drawLimb(rng, leg)],
    };
  },
  kicking: (rng, side) => {
    const legs: [LimbAngles, LimbAngles] = [
      drawLimb(rng, { elevation: [45, 110], azimuth: [55, 100], bend: [0, 60], twist: [-10, 10] }),
      drawLimb(rng, { elevation: [0, 12], azimuth: [-20, 30], bend: [0, 20], twist: [-10, 10] }),
    ];
    if (side === 1) legs.reverse();
    const arm: LimbRanges = { elevation: [20, 80], azimuth: [-30, 60], bend: [10, 80], twist: [-20, 40] };
    return {
      torsoLean: rng.uniform(-20, 10),
      torsoSide: rng.uniform(-10, 10),
      torsoTwist: rng.uniform(-20, 20),
      shrug: rng.uniform(-10, 5),
      arms: [drawLimb(rng, arm), drawLimb(rng, arm)],
      legs,
    };
  },
  reaching: (rng, side) => {
    const arms: [LimbAngles, LimbAngles] = [
      drawLimb(rng, { elevation: [60, 135], azimuth: [0, 100], bend: [0, 25], twist: [-20, 20] }),
      rng.next() < 0.5
        ? drawLimb(rng, HANGING_ARM)
        : drawLimb(rng, { elevation: [0, 45], azimuth: [-30, 90], bend: [0, 90], twist: [-20, 40] }),
    ];
    const legs: [LimbAngles, LimbAngles] = [
      drawLimb(rng, { elevation: [0, 25], azimuth: [60, 100], bend: [0, 25], twist: [-10, 10] }),
      drawLimb(rng, STANDING_LEG),
    ];
    const mirror = side === 1 ? -1 : 1;
    if (side === 1) {
      arms.reverse();
      legs.reverse();
    }
    return {
      torsoLean: rng.uniform(0, 30),
      torsoSide: mirror * rng.uniform(-5, 15),
      torsoTwist: mirror * rng.uniform(-25, 10),
      shrug: rng.uniform(-10, 5),
      arms,
      legs,
    };
  },
  random: (rng) => {
    const arm = (): LimbAngles => drawLimb(rng, HUMAN_LIMITS.arm);
    const leg = (): LimbAngles => {
      const azimuth = rng.uniform(...HUMAN_LIMITS.leg.azimuth);
      return {
        elevation: rng.uniform(0, maxLegElevation(azimuth)),
        azimuth,
        bend: rng.uniform(...HUMAN_LIMITS.leg.bend),
        twist: rng.uniform(...HUMAN_LIMITS.leg.twist),
      };
    };
    return {
      torsoLean: rng.uniform(-20, 50),
      torsoSide: rng.uniform(...HUMAN_LIMITS.torsoSide),
      torsoTwist: rng.uniform(...HUMAN_LIMITS.torsoTwist),
      shrug: rng.uniform(...HUMAN_LIMITS.shrug),
      arms: [arm(), arm()],
      legs: [leg(), leg()],
    };
  },
};

const limbToRadians = (limb: LimbAngles, limits: LimbRanges, isLeg: boolean): LimbAngles => {
  const azimuth = clamp(limb.azimuth, limits.azimuth);
  const elevationLimit: Range = isLeg ? [0, maxLegElevation(azimuth)] : limits.elevation;
  return {
    elevation: clamp(limb.elevation, elevationLimit) * DEG,
    azimuth: azimuth * DEG,
    bend: clamp(limb.bend, limits.bend) * DEG,
    twist: clamp(limb.twist, limits.twist) * DEG,
  };
};

/** A pose of `family`, clamped to HUMAN_LIMITS, in radians. */
export function sampleHumanPose(rng: Rng, family: HumanPoseFamily): HumanPose {
  const side = rng.next() < 0.5 ? 0 : 1;
  const draft = FAMILY_SAMPLERS[family](rng, side);
  const L = HUMAN_LIMITS;
  return {
    torsoLean: clamp(draft.torsoLean, L.torsoLean) * DEG,
    torsoSide: clamp(draft.torsoSide, L.torsoSide) * DEG,
    torsoTwist: clamp(draft.torsoTwist, L.torsoTwist) * DEG,
    shrug: clamp(draft.shrug, L.shrug) * DEG,
    headNod: clamp(rng.uniform(-15, 25), L.headNod) * DEG,
    headTilt: clamp(rng.uniform(-12, 12), L.headTilt) * DEG,
    headTurn: clamp(rng.uniform(-40, 40), L.headTurn) * DEG,
    arms: [limbToRadians(draft.arms[0], L.arm, false), limbToRadians(draft.arms[1], L.arm, false)],
    legs: [limbToRadians(draft.legs[0], L.leg, true), limbToRadians(draft.legs[1], L.leg, true)],
  };
}

/** Picks a family with probability proportional to its weight. */
export function pickHumanFamily(
  rng: Rng,
  weights: Readonly<Partial<Record<HumanPoseFamily, number>>>,
): HumanPoseFamily {
  const entries = HUMAN_POSE_FAMILIES.map(
    (family) => [family, Math.max(0, weights[family] ?? 0)] as const,
  ).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total === 0) throw new Error('no human pose family has a positive weight');
  let threshold = rng.next() * total;
  for (const [family, weight] of entries) {
    threshold -= weight;
    if (threshold < 0) return family;
  }
  return entries[entries.length - 1]![0];
}
