import { CAMERA_PRESETS, xyzToUvd, type DatasetCameraId } from '@shared/camera';
import type { Intrinsics } from '@shared/domain';
import { createRng, type Rng } from '@shared/random';
import { CAPSULE_COUNT, CAPSULE_STRIDE, PALM, buildHand, type HandShape } from './hand-model';
import { POSE_FAMILIES, pickFamily, samplePose, type PoseFamily } from './poses';
import { DepthRasteriser } from './render';

type Range = readonly [number, number];

/**
 * Global hand orientation ranges in degrees, applied as roll (image plane) · pitch · yaw (about the hand's long axis).
 * The forearm's direction has depth component sin(pitch): positive pitch = forearm receding, as when a hand is held
 * up in front of a sensor (the hand-centre detector relies on the hand being nearest).
 */
export interface RotationRanges {
  rollDeg: Range;
  pitchDeg: Range;
  yawDeg: Range;
}

export interface SynthOptions {
  /** Camera preset or explicit intrinsics. Default 'icvl' (320×240). */
  camera: DatasetCameraId | Intrinsics;
  /** Relative weights of the pose families. Default: all equal. */
  families: Partial<Record<PoseFamily, number>>;
  rotation: RotationRanges;
  /** Depth of the palm centre. Default: the hand spans roughly 45–90 % of the image height. */
  depthRangeMm?: Range;
  /** Per-subject whole-hand scale. */
  subjectScale: Range;
  /** Per-bone length jitter (standard deviation, fraction of the length). */
  boneJitter: number;
  /** Gaussian depth noise (mm, standard deviation). */
  noiseMm: number;
  /** Probability that a silhouette pixel (next to background or a depth jump) reads 0. */
  edgeDropout: number;
  /** Probability that any hand pixel reads 0. */
  randomDropout: number;
  /** A tilted background plane this far behind the palm centre; null = no reading (0) around the hand. */
  background: { offsetMm: Range; tiltDeg: number } | null;
}

/**
 * Viewpoint sets. `real` follows the real datasets' cameras: in ICVL, NYU and MSRA the palm or its side faces the
 * sensor, so the hand turns at most about a quarter turn either way about the forearm. `sphere` turns a full circle,
 * harder than any real dataset (kept for robustness experiments).
 */
export const VIEWPOINTS = {
  real: { rollDeg: [-45, 45], pitchDeg: [-10, 45], yawDeg: [-90, 90] },
  sphere: { rollDeg: [-45, 45], pitchDeg: [-10, 45], yawDeg: [-180, 180] },
} as const satisfies Record<string, RotationRanges>;

export type ViewpointSet = keyof typeof VIEWPOINTS;

export const DEFAULT_SYNTH_OPTIONS: SynthOptions = {
  camera: 'icvl',
  families: Object.fromEntries(POSE_FAMILIES.map((family) => [family, 1])),
  rotation: VIEWPOINTS.real,
  subjectScale: [0.85, 1.15],
  boneJitter: 0.04,
  noiseMm: 1.5,
  edgeDropout: 0.5,
  randomDropout: 0.005,
  background: null,
};

export interface SynthFrame {
  width: number;
  height: number;
  /** Row-major depth in mm; 0 = no reading. */
  depth: Uint16Array<ArrayBuffer>;
  /** HAND21 joints, flat (u px, v px, d mm). */
  uvd: Float64Array;
  /** HAND21 joints, flat (x, y, z) mm, camera frame (y down). */
  xyz: Float64Array;
  family: PoseFamily;
  intrinsics: Intrinsics;
}

/** A silhouette pixel: a 4-neighbour is background or more than this much farther/nearer. */
const EDGE_JUMP_MM = 20;
const PALM_BOUND = Math.max(...PALM.semiAxes);

export interface SynthGenerator {
  readonly intrinsics: Intrinsics;
  /** Draws everything (pose, placement, noise) from `rng`, so a seed fixes the frame. */
  next(rng: Rng): SynthFrame;
}

/** A generator that keeps its scratch buffers across frames (use one per thread for throughput). */
export function createSynthGenerator(options: Partial<SynthOptions> = {}): SynthGenerator {
  const settings: SynthOptions = { ...DEFAULT_SYNTH_OPTIONS, ...options };
  const intrinsics =
    typeof settings.camera === 'string' ? CAMERA_PRESETS[settings.camera].intrinsics : settings.camera;
  const { fx, fy, cx, cy, width, height } = intrinsics;
  const depthRange = settings.depthRangeMm ?? [(fx * 250) / (0.9 * height), (fx * 250) / (0.45 * height)];
  const rasteriser = new DepthRasteriser(intrinsics);
  const handJoints = new Float64Array(63);
  const capsules = new Float64Array(CAPSULE_COUNT * CAPSULE_STRIDE);
  const rotation = new Float64Array(9);
  const palmToUnit = new Float64Array(9);
  const shape: HandShape = { scale: 1, boneScale: new Float64Array(15) };

  /** Hand frame → camera frame: p_cam = R·p + T. */
  const transform = (
    source: Float64Array,
    offset: number,
    target: Float64Array,
    targetOffset: number,
    t: Range3,
  ): void => {
    const [x, y, z] = [source[offset]!, source[offset + 1]!, source[offset + 2]!];
    target[targetOffset] = rotation[0]! * x + rotation[1]! * y + rotation[2]! * z + t[0];
    target[targetOffset + 1] = rotation[3]! * x + rotation[4]! * y + rotation[5]! * z + t[1];
    target[targetOffset + 2] = rotation[6]! * x + rotation[7]! * y + rotation[8]! * z + t[2];
  };

  return {
    intrinsics,
    next(rng: Rng): SynthFrame {
      const family = pickFamily(rng, settings.families);
      const pose = samplePose(rng, family);
      shape.scale = rng.uniform(...settings.subjectScale);
      for (let i = 0; i < 15; i++) shape.boneScale[i] = 1 + settings.boneJitter * rng.normal();
      buildHand(pose, shape, handJoints, capsules);

      const deg = Math.PI / 180;
      handToCamera(
        rng.uniform(...settings.rotation.rollDeg) * deg,
        rng.uniform(...settings.rotation.pitchDeg) * deg,
        rng.uniform(...settings.rotation.yawDeg) * deg,
        rotation,
      );
      // Place the palm centre at a random pixel near the image centre and a random depth.
      const depth = rng.uniform(...depthRange);
      const u = rng.uniform(0.3, 0.7) * width;
      const v = rng.uniform(0.3, 0.7) * height;
      const palm = Float64Array.from(PALM.centre, (value) => value * shape.scale);
      const rotatedPalm = new Float64Array(3);
      transform(palm, 0, rotatedPalm, 0, [0, 0, 0]);
      const translation: Range3 = [
        ((u - cx) * depth) / fx - rotatedPalm[0]!,
        ((v - cy) * depth) / fy - rotatedPalm[1]!,
        depth - rotatedPalm[2]!,
      ];

      const xyz = new Float64Array(63);
      for (let j = 0; j < 21; j++) transform(handJoints, 3 * j, xyz, 3 * j, translation);
      for (let k = 0; k < CAPSULE_COUNT; k++) {
        const base = k * CAPSULE_STRIDE;
        transform(capsules, base, capsules, base, translation);
        transform(capsules, base + 3, capsules, base + 3, translation);
      }

      rasteriser.clear();
      for (let k = 0; k < CAPSULE_COUNT; k++) {
        const c = k * CAPSULE_STRIDE;
        rasteriser.drawCapsule(
          capsules[c]!,
          capsules[c + 1]!,
          capsules[c + 2]!,
          capsules[c + 3]!,
          capsules[c + 4]!,
          capsules[c + 5]!,
          capsules[c + 6]!,
        );
      }
      // Ellipsoid: unit-sphere map = diag(1/semi-axes) · Rᵀ.
      for (let row = 0; row < 3; row++) {
        const inverseAxis = 1 / (PALM.semiAxes[row]! * shape.scale);
        for (let col = 0; col < 3; col++) palmToUnit[3 * row + col] = rotation[3 * col + row]! * inverseAxis;
      }
      const centre = new Float64Array(3);
      transform(palm, 0, centre, 0, translation);
      rasteriser.drawEllipsoid(centre[0]!, centre[1]!, centre[2]!, palmToUnit, PALM_BOUND * shape.scale);

      const image = new Uint16Array(width * height);
      if (settings.background)
        drawBackground(image, intrinsics, rng, depth, settings.background, settings.noiseMm);
      writeSensorReadings(rasteriser, image, rng, settings);
      return { width, height, depth: image, uvd: xyzToUvd(intrinsics, xyz), xyz, family, intrinsics };
    },
  };
}

type Range3 = readonly [number, number, number];

/**
 * R = Rz(roll) · Rx(pitch) · Ry(yaw) · R0, where R0 maps the hand frame to "fingers up, palm towards the camera":
 * +x_hand → +x_cam, +y_hand → −y_cam (up), +z_hand → −z_cam. Row-major into `out`.
 */
function handToCamera(roll: number, pitch: number, yaw: number, out: Float64Array): void {
  const [cr, sr, cp, sp, cw, sw] = [
    Math.cos(roll),
    Math.sin(roll),
    Math.cos(pitch),
    Math.sin(pitch),
    Math.cos(yaw),
    Math.sin(yaw),
  ];
  const rz = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const ry = [cw, 0, sw, 0, 1, 0, -sw, 0, cw];
  const r0 = [1, 0, 0, 0, -1, 0, 0, 0, -1];
  out.set(multiply(rz, multiply(rx, multiply(ry, r0))));
}

function multiply(a: readonly number[], b: readonly number[]): number[] {
  const product = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) product[3 * i + j]! += a[3 * i + k]! * b[3 * k + j]!;
    }
  }
  return product;
}

/** Noise, silhouette dropout and random dropout, over the drawn box only; quantised to whole mm. */
function writeSensorReadings(
  rasteriser: DepthRasteriser,
  image: Uint16Array,
  rng: Rng,
  settings: SynthOptions,
): void {
  const { zBuffer, dirty } = rasteriser;
  const { width, height } = rasteriser.camera;
  const farOrMissing = (index: number, z: number): boolean => {
    const other = zBuffer[index]!;
    return other === Infinity || Math.abs(other - z) > EDGE_JUMP_MM;
  };
  for (let v = dirty.top; v < dirty.bottom; v++) {
    for (let u = dirty.left; u < dirty.right; u++) {
      const index = v * width + u;
      const z = zBuffer[index]!;
      if (z === Infinity) continue;
      const silhouette =
        (u > 0 && farOrMissing(index - 1, z)) ||
        (u < width - 1 && farOrMissing(index + 1, z)) ||
        (v > 0 && farOrMissing(index - width, z)) ||
        (v < height - 1 && farOrMissing(index + width, z));
      const drop = (silhouette && rng.next() < settings.edgeDropout) || rng.next() < settings.randomDropout;
      image[index] = drop ? 0 : Math.min(65535, Math.max(1, Math.round(z + settings.noiseMm * rng.normal())));
    }
  }
}

/** A plane behind the hand, tilted by up to `tiltDeg`, seen through every pixel the hand does not cover. */
function drawBackground(
  image: Uint16Array,
  camera: Intrinsics,
  rng: Rng,
  handDepth: number,
  background: NonNullable<SynthOptions['background']>,
  noiseMm: number,
): void {
  const distance = handDepth + rng.uniform(...background.offsetMm);
  const tilt = (background.tiltDeg * Math.PI) / 180;
  const nx = rng.uniform(-1, 1) * Math.sin(tilt);
  const ny = rng.uniform(-1, 1) * Math.sin(tilt);
  const nz = Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny));
  // Plane n·p = nz·distance through (0, 0, distance); along the ray t·d the depth is t.
  for (let v = 0; v < camera.height; v++) {
    const ry = (v - camera.cy) / camera.fy;
    for (let u = 0; u < camera.width; u++) {
      const rx = (u - camera.cx) / camera.fx;
      const z = (nz * distance) / (nx * rx + ny * ry + nz);
      image[v * camera.width + u] = z > 0 && z < 65535 ? Math.round(z + noiseMm * rng.normal()) : 0;
    }
  }
}

/** One frame for a seed (or a caller-held Rng); convenient, but allocates a generator per call. */
export function generateSynthFrame(seedOrRng: number | Rng, options: Partial<SynthOptions> = {}): SynthFrame {
  const rng = typeof seedOrRng === 'number' ? createRng(seedOrRng) : seedOrRng;
  return createSynthGenerator(options).next(rng);
}

/** Frames per second of one generator on this thread (320×240 ICVL camera unless `options` says otherwise). */
export function benchSynth(frames = 300, options: Partial<SynthOptions> = {}): number {
  const generator = createSynthGenerator(options);
  const rng = createRng(1);
  generator.next(rng); // warm-up
  const start = Date.now();
  for (let i = 0; i < frames; i++) generator.next(rng);
  return frames / Math.max(1e-3, (Date.now() - start) / 1000);
}
