import type { HandPose } from './poses';

/**
 * A kinematic right hand in its own frame, millimetres: origin at the wrist, +y from the wrist towards the middle
 * finger, +x towards the thumb, +z out of the palm (the side fingers curl towards).
 */

type Vec3 = readonly [number, number, number];

interface FingerGeometry {
  mcp: Vec3;
  /** Proximal, middle, distal phalanx. */
  lengths: Vec3;
  radius: number;
}

/** Adult averages; index, middle, ring, little. */
const FINGERS: readonly FingerGeometry[] = [
  { mcp: [24, 84, 0], lengths: [42, 25, 20], radius: 8.5 },
  { mcp: [5, 88, 0], lengths: [46, 28, 21], radius: 8.8 },
  { mcp: [-13, 82, 0], lengths: [43, 27, 21], radius: 8.3 },
  { mcp: [-30, 72, 0], lengths: [33, 20, 18], radius: 7.3 },
];
/** Thumb: base at the CMC (canonical "mcp" slot); metacarpal, proximal, distal lengths; rest direction in the palm plane. */
const THUMB = {
  base: [20, 22, 6] as Vec3,
  lengths: [44, 32, 26] as Vec3,
  radius: 10,
  rest: [0.8, 0.6, 0] as Vec3,
};
/** The thumb curls across the palm: towards −x (little-finger side) and +z (palmar). */
const THUMB_CURL: Vec3 = [-0.6, 0, 0.8];
/** Distal segments are thinner than proximal ones. */
const SEGMENT_TAPER: Vec3 = [1, 0.93, 0.85];

/** Palm as an ellipsoid: centre and semi-axes along the hand-frame axes. */
export const PALM = { centre: [-3, 48, 0] as Vec3, semiAxes: [38, 44, 13] as Vec3 };
const THENAR = { from: [8, 30, 4] as Vec3, radius: 13 };
const FOREARM = { length: 240, radius: 24 };

/** Capsules: wrist-relative phalanges, thenar pad and forearm. */
export const CAPSULE_COUNT = 4 * 3 + 3 + 1 + 1;
export const CAPSULE_STRIDE = 7; // ax, ay, az, bx, by, bz, radius

export interface HandShape {
  /** Whole-hand scale (per subject). */
  scale: number;
  /** Per-bone length factors, 15 = 5 fingers × 3 segments (index..little, thumb last). */
  boneScale: Float64Array;
}

const CANONICAL_FINGER_SLOT = [5, 9, 13, 17] as const; // index, middle, ring, little MCP in HAND21
const CANONICAL_THUMB_SLOT = 1;

/**
 * Writes the 21 canonical joints (HAND21 order, flat xyz) and the capsules (flat, CAPSULE_STRIDE each) of `pose`
 * in the hand frame. Allocation-free: the caller owns both outputs.
 */
export function buildHand(
  pose: HandPose,
  shape: HandShape,
  joints: Float64Array,
  capsules: Float64Array,
): void {
  const s = shape.scale;
  let capsule = 0;
  const addCapsule = (
    ax: number,
    ay: number,
    az: number,
    bx: number,
    by: number,
    bz: number,
    radius: number,
  ): void => {
    capsules.set([ax, ay, az, bx, by, bz, radius], CAPSULE_STRIDE * capsule++);
  };
  joints.fill(0, 0, 3); // wrist at the origin

  FINGERS.forEach((finger, f) => {
    const splay = pose.abduction[f]!;
    // Forward along the finger after splay; flexion rotates it towards +z.
    const fx = Math.sin(splay);
    const fy = Math.cos(splay);
    let x = finger.mcp[0] * s;
    let y = finger.mcp[1] * s;
    let z = finger.mcp[2] * s;
    let slot = 3 * CANONICAL_FINGER_SLOT[f]!;
    joints.set([x, y, z], slot);
    let angle = 0;
    for (let k = 0; k < 3; k++) {
      angle += pose.flexion[3 * f + k]!;
      const length = finger.lengths[k]! * s * shape.boneScale[3 * f + k]!;
      const nx = x + length * Math.cos(angle) * fx;
      const ny = y + length * Math.cos(angle) * fy;
      const nz = z + length * Math.sin(angle);
      addCapsule(x, y, z, nx, ny, nz, finger.radius * s * SEGMENT_TAPER[k]!);
      [x, y, z] = [nx, ny, nz];
      slot += 3;
      joints.set([x, y, z], slot);
    }
  });

  // Thumb: opposition swings the rest direction towards the palm normal; flexion bends towards THUMB_CURL.
  const [rx, ry, rz] = THUMB.rest;
  const co = Math.cos(pose.opposition);
  const so = Math.sin(pose.opposition);
  const forward = [co * rx, co * ry, co * rz + so] as const;
  const along = THUMB_CURL[0] * forward[0] + THUMB_CURL[1] * forward[1] + THUMB_CURL[2] * forward[2];
  const curl = [
    THUMB_CURL[0] - along * forward[0],
    THUMB_CURL[1] - along * forward[1],
    THUMB_CURL[2] - along * forward[2],
  ];
  const curlNorm = Math.hypot(curl[0]!, curl[1]!, curl[2]!);
  let x = THUMB.base[0] * s;
  let y = THUMB.base[1] * s;
  let z = THUMB.base[2] * s;
  let slot = 3 * CANONICAL_THUMB_SLOT;
  joints.set([x, y, z], slot);
  let angle = 0;
  for (let k = 0; k < 3; k++) {
    angle += pose.flexion[12 + k]!;
    const length = THUMB.lengths[k]! * s * shape.boneScale[12 + k]!;
    const c = Math.cos(angle) * length;
    const sn = (Math.sin(angle) * length) / curlNorm;
    const nx = x + c * forward[0] + sn * curl[0]!;
    const ny = y + c * forward[1] + sn * curl[1]!;
    const nz = z + c * forward[2] + sn * curl[2]!;
    addCapsule(x, y, z, nx, ny, nz, THUMB.radius * s * SEGMENT_TAPER[k]!);
    if (k === 0)
      addCapsule(THENAR.from[0] * s, THENAR.from[1] * s, THENAR.from[2] * s, nx, ny, nz, THENAR.radius * s);
    [x, y, z] = [nx, ny, nz];
    slot += 3;
    joints.set([x, y, z], slot);
  }

  addCapsule(0, 0, 0, 0, -FOREARM.length * s, 0, FOREARM.radius * s);
}
