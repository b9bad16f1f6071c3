import type { Rng } from '@shared/random';
import type { HumanPose, LimbAngles } from './poses';

/**
 * An articulated human in its own 3-D body frame, in "stature units" (1 ≈ ankle-to-head-top height of an upright
 * figure): origin at the pelvis joint, +x towards the person's LEFT, +y DOWN, +z FORWARD (where the chest faces).
 * Joints are in the MPII16 internal order of `@shared/skeletons` (human.ts).
 */

export type Vec3 = [number, number, number];

/** MPII16 internal joint indices. */
export const J = {
  headTop: 0,
  neck: 1,
  lShoulder: 2,
  lElbow: 3,
  lWrist: 4,
  rShoulder: 5,
  rElbow: 6,
  rWrist: 7,
  lHip: 8,
  lKnee: 9,
  lAnkle: 10,
  rHip: 11,
  rKnee: 12,
  rAnkle: 13,
  pelvis: 14,
  thorax: 15,
} as const;

export const JOINT_COUNT = 16;

type Range = readonly [number, number];

export interface BoneSpec {
  name: string;
  /** Joint indices, as in MPII16.edges (same order). */
  from: number;
  to: number;
  /** 3-D length in stature units; every figure's bone lies inside this range. */
  range: Range;
}

/**
 * Bone-length ranges (stature units) for the 15 MPII16 edges, in MPII16.edges order. Left and right of a pair draw
 * one shared value with a ±2 % asymmetry, clamped to the range.
 */
export const BONES: readonly BoneSpec[] = [
  { name: 'head', from: 0, to: 1, range: [0.1, 0.135] },
  { name: 'neck', from: 1, to: 15, range: [0.045, 0.075] },
  { name: 'spine', from: 15, to: 14, range: [0.25, 0.32] },
  { name: 'l_clavicle', from: 15, to: 2, range: [0.085, 0.125] },
  { name: 'l_upper_arm', from: 2, to: 3, range: [0.15, 0.19] },
  { name: 'l_forearm', from: 3, to: 4, range: [0.13, 0.17] },
  { name: 'r_clavicle', from: 15, to: 5, range: [0.085, 0.125] },
  { name: 'r_upper_arm', from: 5, to: 6, range: [0.15, 0.19] },
  { name: 'r_forearm', from: 6, to: 7, range: [0.13, 0.17] },
  { name: 'l_pelvis', from: 14, to: 8, range: [0.05, 0.075] },
  { name: 'l_thigh', from: 8, to: 9, range: [0.22, 0.27] },
  { name: 'l_shin', from: 9, to: 10, range: [0.21, 0.26] },
  { name: 'r_pelvis', from: 14, to: 11, range: [0.05, 0.075] },
  { name: 'r_thigh', from: 11, to: 12, range: [0.22, 0.27] },
  { name: 'r_shin', from: 12, to: 13, range: [0.21, 0.26] },
];

/** Bone slots in BONES. */
const B = {
  head: 0,
  neck: 1,
  spine: 2,
  lClavicle: 3,
  lUpperArm: 4,
  lForearm: 5,
  rClavicle: 6,
  rUpperArm: 7,
  rForearm: 8,
  lPelvis: 9,
  lThigh: 10,
  lShin: 11,
  rPelvis: 12,
  rThigh: 13,
  rShin: 14,
} as const;

/** Left/right pairs of BONES slots (the left one draws the shared value). */
const PAIRS: readonly (readonly [number, number])[] = [
  [B.lClavicle, B.rClavicle],
  [B.lUpperArm, B.rUpperArm],
  [B.lForearm, B.rForearm],
  [B.lPelvis, B.rPelvis],
  [B.lThigh, B.rThigh],
  [B.lShin, B.rShin],
];

/** Body proportions of one figure (stature units); widths are radii. */
export interface HumanShape {
  /** 3-D bone lengths in BONES order. */
  bones: Float64Array;
  /** Limb radii at the proximal end: upper arm, forearm, thigh, shin. Distal ends taper by `taper`. */
  upperArmRadius: number;
  forearmRadius: number;
  thighRadius: number;
  shinRadius: number;
  taper: number;
  neckRadius: number;
  /** Head ellipse width / height. */
  headAspect: number;
  /** Half the chest depth (front to back) and the hip flesh outside the hip joints. */
  chestDepth: number;
  hipFlesh: number;
  handLength: number;
  footLength: number;
}

/** Ranges of the non-bone measures (stature units), for the shape sampler. */
export const WIDTH_RANGES = {
  upperArmRadius: [0.03, 0.045],
  forearmRadius: [0.024, 0.034],
  thighRadius: [0.045, 0.065],
  shinRadius: [0.032, 0.045],
  taper: [0.75, 0.9],
  neckRadius: [0.026, 0.036],
  headAspect: [0.72, 0.84],
  chestDepth: [0.055, 0.085],
  hipFlesh: [0.025, 0.045],
  handLength: [0.085, 0.105],
  footLength: [0.12, 0.15],
} as const satisfies Record<string, Range>;

const lerp = ([lo, hi]: Range, t: number): number => lo + (hi - lo) * t;
const clamp01 = (t: number): number => Math.min(1, Math.max(0, t));

/**
 * Per-figure proportions: each measure mixes a figure-wide "size" draw (tall limbs go together, heavy build widens
 * every limb) with its own draw, so proportions vary but stay plausible.
 */
export function sampleShape(rng: Rng): HumanShape {
  const limbs = rng.next();
  const build = rng.next();
  const bones = new Float64Array(BONES.length);
  BONES.forEach((bone, i) => {
    bones[i] = lerp(bone.range, clamp01(0.5 * limbs + 0.5 * rng.next()));
  });
  for (const [left, right] of PAIRS) {
    const [lo, hi] = BONES[right]!.range;
    bones[right] = Math.min(hi, Math.max(lo, bones[left]! * (1 + 0.02 * rng.uniform(-1, 1))));
  }
  const width = (key: keyof typeof WIDTH_RANGES): number =>
    lerp(WIDTH_RANGES[key], clamp01(0.6 * build + 0.4 * rng.next()));
  return {
    bones,
    upperArmRadius: width('upperArmRadius'),
    forearmRadius: width('forearmRadius'),
    thighRadius: width('thighRadius'),
    shinRadius: width('shinRadius'),
    taper: lerp(WIDTH_RANGES.taper, rng.next()),
    neckRadius: width('neckRadius'),
    headAspect: lerp(WIDTH_RANGES.headAspect, rng.next()),
    chestDepth: width('chestDepth'),
    hipFlesh: width('hipFlesh'),
    handLength: lerp(WIDTH_RANGES.handLength, rng.next()),
    footLength: lerp(WIDTH_RANGES.footLength, rng.next()),
  };
}

/** A posed figure in the body frame. */
export interface Figure3D {
  /** 16 joints, flat xyz. */
  joints: Float64Array;
  /** Hand tip (beyond the wrist) and toe (beyond the ankle), left then right. */
  handTips: [Vec3, Vec3];
  toes: [Vec3, Vec3];
  /** Points whose 2-D convex hull is the torso outline (shoulders, hips, chest and belly front/back). */
  torsoHull: Vec3[];
  /** Torso axes (unit): person's left, up the spine, forward. */
  torsoLeft: Vec3;
  torsoUp: Vec3;
  torsoForward: Vec3;
  /** Head axes (unit): up the head, the face direction, the head's left. */
  headUp: Vec3;
  headForward: Vec3;
  headLeft: Vec3;
}

// Small vector helpers (Vec3 tuples; the figure is a few dozen points, so clarity beats allocation here).
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
const unit = (a: Vec3): Vec3 => scale(a, 1 / (norm(a) || 1));

/** Row-major 3×3. */
export type Mat3 = readonly number[];

export const mulMat = (a: Mat3, b: Mat3): number[] => {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[3 * i + j]! += a[3 * i + k]! * b[3 * k + j]!;
  return out;
};
export const mulVec = (m: Mat3, v: Vec3): Vec3 => [
  m[0]! * v[0] + m[1]! * v[1] + m[2]! * v[2],
  m[3]! * v[0] + m[4]! * v[1] + m[5]! * v[2],
  m[6]! * v[0] + m[7]! * v[1] + m[8]! * v[2],
];
/** Rotation about x (the body's left axis); positive turns +y (down) towards +z (forward). */
export const rotX = (t: number): number[] => {
  const [c, s] = [Math.cos(t), Math.sin(t)];
  return [1, 0, 0, 0, c, -s, 0, s, c];
};
/** Rotation about y (vertical); positive turns +z towards +x. */
export const rotY = (t: number): number[] => {
  const [c, s] = [Math.cos(t), Math.sin(t)];
  return [c, 0, s, 0, 1, 0, -s, 0, c];
};
/** Rotation about z (forward); positive turns +x towards +y. */
export const rotZ = (t: number): number[] => {
  const [c, s] = [Math.cos(t), Math.sin(t)];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
};

/** Rodrigues: `v` rotated by `angle` about the unit axis `k`. */
function rotateAbout(v: Vec3, k: Vec3, angle: number): Vec3 {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return add(add(scale(v, c), scale(cross(k, v), s)), scale(k, dot(k, v) * (1 - c)));
}

/**
 * Direction of a proximal limb segment in its parent frame: `elevation` from straight down (0) to straight up (π),
 * `azimuth` in the horizontal plane from sideways-out (0) towards forward (+π/2) or backward (−π/2); `side` +1 for
 * the left limb (out = +x), −1 for the right.
 */
function limbDirection(limb: LimbAngles, side: number): Vec3 {
  const s = Math.sin(limb.elevation);
  return [side * Math.cos(limb.azimuth) * s, Math.cos(limb.elevation), Math.sin(limb.azimuth) * s];
}

/**
 * The distal segment's direction: the proximal one bent by `limb.bend` towards a hinge direction. Elbows bend the
 * forearm forward/up (hinge = proximal direction turned 90° about +x the "forward" way), knees bend the shin
 * backward; a small forward/backward bias keeps the hinge defined when the limb points sideways. `limb.twist`
 * rotates the hinge about the limb (mirrored for the right side).
 */
function distalDirection(proximal: Vec3, limb: LimbAngles, side: number, elbow: boolean): Vec3 {
  const [, dy, dz] = proximal;
  const sign = elbow ? 1 : -1;
  let hinge: Vec3 = [0, -dz * sign, dy * sign];
  const bias: Vec3 = [0, 0, 0.3 * sign];
  hinge = add(hinge, add(bias, scale(proximal, -dot(bias, proximal))));
  hinge = add(hinge, scale(proximal, -dot(hinge, proximal)));
  if (norm(hinge) < 1e-6) hinge = [0, 0, sign];
  hinge = rotateAbout(unit(hinge), proximal, side * limb.twist);
  return unit(add(scale(proximal, Math.cos(limb.bend)), scale(hinge, Math.sin(limb.bend))));
}

/** Poses `shape` with `pose`; all positions in stature units, pelvis at the origin. */
export function buildFigure(pose: HumanPose, shape: HumanShape): Figure3D {
  const bones = shape.bones;
  const joints = new Float64Array(3 * 16);
  const put = (j: number, p: Vec3): void => {
    joints.set(p, 3 * j);
  };
  const at = (j: number): Vec3 => [joints[3 * j]!, joints[3 * j + 1]!, joints[3 * j + 2]!];

  // Torso: lean forward (about +x, towards +z), bend sideways, twist the shoulders about the spine.
  const torso = mulMat(rotX(-pose.torsoLean), mulMat(rotZ(pose.torsoSide), rotY(pose.torsoTwist)));
  const pelvisFrame = rotY(-0.35 * pose.torsoTwist);
  const torsoLeft = mulVec(torso, [1, 0, 0]);
  const torsoUp = mulVec(torso, [0, -1, 0]);
  const torsoForward = mulVec(torso, [0, 0, 1]);

  const pelvis: Vec3 = [0, 0, 0];
  put(J.pelvis, pelvis);
  const thorax = scale(torsoUp, bones[B.spine]!);
  put(J.thorax, thorax);
  // Clavicles: mostly sideways, dropping a little (raised arms shrug them up).
  const shrug = pose.shrug;
  for (const [side, slot, joint] of [
    [1, B.lClavicle, J.lShoulder],
    [-1, B.rClavicle, J.rShoulder],
  ] as const) {
    const dir = mulVec(torso, [side * Math.cos(shrug), -Math.sin(shrug), 0]);
    put(joint, add(thorax, scale(dir, bones[slot]!)));
  }
  // Hips: sideways and down from the pelvis joint.
  for (const [side, slot, joint] of [
    [1, B.lPelvis, J.lHip],
    [-1, B.rPelvis, J.rHip],
  ] as const) {
    const drop = 0.45; // ≈ 26°
    const dir = mulVec(pelvisFrame, [side * Math.cos(drop), Math.sin(drop), 0]);
    put(joint, add(pelvis, scale(dir, bones[slot]!)));
  }

  // Neck and head: nod (forward), tilt (sideways) relative to the torso; turn only rotates the face.
  const neckFrame = mulMat(torso, mulMat(rotX(-pose.headNod * 0.5), rotZ(pose.headTilt * 0.5)));
  const headFrame = mulMat(
    torso,
    mulMat(rotX(-pose.headNod), mulMat(rotZ(pose.headTilt), rotY(pose.headTurn))),
  );
  const neck = add(thorax, scale(mulVec(neckFrame, [0, -1, 0]), bones[B.neck]!));
  put(J.neck, neck);
  const headUp = mulVec(headFrame, [0, -1, 0]);
  put(J.headTop, add(neck, scale(headUp, bones[B.head]!)));

  // Limbs.
  const handTips: Vec3[] = [];
  const toes: Vec3[] = [];
  const arms = [
    [1, pose.arms[0], J.lShoulder, J.lElbow, J.lWrist, B.lUpperArm, B.lForearm],
    [-1, pose.arms[1], J.rShoulder, J.rElbow, J.rWrist, B.rUpperArm, B.rForearm],
  ] as const;
  for (const [side, limb, root, mid, end, upper, lower] of arms) {
    const upperDir = limbDirection(limb, side);
    const lowerDir = distalDirection(upperDir, limb, side, true);
    const elbow = add(at(root), scale(mulVec(torso, upperDir), bones[upper]!));
    const wristDir = mulVec(torso, lowerDir);
    const wrist = add(elbow, scale(wristDir, bones[lower]!));
    put(mid, elbow);
    put(end, wrist);
    handTips.push(add(wrist, scale(wristDir, shape.handLength)));
  }
  const legs = [
    [1, pose.legs[0], J.lHip, J.lKnee, J.lAnkle, B.lThigh, B.lShin],
    [-1, pose.legs[1], J.rHip, J.rKnee, J.rAnkle, B.rThigh, B.rShin],
  ] as const;
  for (const [side, limb, root, mid, end, upper, lower] of legs) {
    const thighDir = limbDirection(limb, side);
    const shinDir = mulVec(pelvisFrame, distalDirection(thighDir, limb, side, false));
    const knee = add(at(root), scale(mulVec(pelvisFrame, thighDir), bones[upper]!));
    const ankle = add(knee, scale(shinDir, bones[lower]!));
    put(mid, knee);
    put(end, ankle);
    // The foot points forward, square to the shin (in the plane of shin and body forward).
    const forward = mulVec(pelvisFrame, [0, 0, 1]);
    let foot = add(forward, scale(shinDir, -dot(forward, shinDir)));
    if (norm(foot) < 1e-3) foot = scale(shinDir, 1);
    foot = add(scale(unit(foot), 0.9), scale(shinDir, 0.2));
    toes.push(add(ankle, scale(unit(foot), shape.footLength)));
  }

  // Torso outline: shoulders and hips pushed outwards, chest and belly pushed forward/back.
  const hull: Vec3[] = [];
  const outward = (joint: number, side: number, amount: number, axis: Vec3): Vec3 =>
    add(at(joint), scale(axis, side * amount));
  const pelvisLeft = mulVec(pelvisFrame, [1, 0, 0]);
  const pelvisForward = mulVec(pelvisFrame, [0, 0, 1]);
  const shoulderFlesh = 0.35 * shape.upperArmRadius;
  hull.push(
    outward(J.lShoulder, 1, shoulderFlesh, torsoLeft),
    outward(J.rShoulder, -1, shoulderFlesh, torsoLeft),
  );
  hull.push(outward(J.lHip, 1, shape.hipFlesh, pelvisLeft), outward(J.rHip, -1, shape.hipFlesh, pelvisLeft));
  const chest = add(thorax, scale(torsoUp, -0.06));
  const belly = add(pelvis, scale(torsoUp, 0.08));
  for (const s of [1, -1]) {
    hull.push(add(chest, scale(torsoForward, s * shape.chestDepth)));
    hull.push(add(belly, scale(pelvisForward, s * shape.chestDepth * 0.9)));
    hull.push(add(add(thorax, scale(torsoUp, -0.01)), scale(torsoForward, s * shape.chestDepth * 0.6)));
  }
  return {
    joints,
    handTips: [handTips[0]!, handTips[1]!],
    toes: [toes[0]!, toes[1]!],
    torsoHull: hull,
    torsoLeft,
    torsoUp,
    torsoForward,
    headUp,
    headForward: mulVec(headFrame, [0, 0, 1]),
    headLeft: mulVec(headFrame, [1, 0, 0]),
  };
}

/** 3-D bone lengths (stature units) of a joint array, in BONES order. */
export function boneLengths(joints: ArrayLike<number>): number[] {
  return BONES.map(({ from, to }) =>
    Math.hypot(
      joints[3 * to]! - joints[3 * from]!,
      joints[3 * to + 1]! - joints[3 * from + 1]!,
      joints[3 * to + 2]! - joints[3 * from + 2]!,
    ),
  );
}
