import { createRng, type Rng } from '@shared/random';
import {
  J,
  JOINT_COUNT,
  boneLengths,
  buildFigure,
  mulMat,
  mulVec,
  rotX,
  rotY,
  sampleShape,
  type Figure3D,
  type HumanShape,
  type Vec3,
} from './figure';
import { HUMAN_POSE_FAMILIES, pickHumanFamily, sampleHumanPose, type HumanPoseFamily } from './poses';
import {
  RgbCanvas,
  insideOccluder,
  type BackgroundStyle,
  type Light,
  type Occluder,
  type Pattern,
  type Point2,
  type RGB,
} from './render';

/**
 * Synthetic RGB people (PoseLoop's RGB demo dataset): a 3-D articulated figure with the MPII16 joints, posed from a
 * few pose families, seen orthographically from a random yaw (front, back, profiles) and slight pitch, rotated in the
 * image plane, scaled and placed, and painted over a textured background with occluders on top.
 *
 * Coordinates: u = column, v = row, 0-based, and INTEGER VALUES ARE PIXEL CENTRES: pixel (c, r) covers
 * [c − ½, c + ½) × [r − ½, r + ½) (the convention of PoseLoop's importers and of COCO keypoints read as 0-based
 * positions). Every joint lies inside [m, W − 1 − m] × [m, H − 1 − m] for the margin m (never 'absent').
 *
 * Left/right cues, so a CNN can tell the person's left from their right (MPII "left" = the person's left, which is
 * on the IMAGE RIGHT when they face the camera):
 * - front/back: the face (skin oval with eyes, hair only around it) is drawn when the head faces the camera, only
 *   hair when it faces away; the feet point forward;
 * - near/far: limbs, torso and head are painted far to near (orthographic depth), so the near side overlaps;
 * - clothes shade: every figure's left-side clothing (sleeves, trouser legs, shoe) is `sideShade` brighter and the
 *   right side as much darker than the garment colour (a subtle, consistent asymmetry, like two-tone clothes).
 * Visibility: a joint is 'occluded' iff its position lies inside one of the frame's occluders (self-occlusion by
 * the figure's own limbs is not flagged); all others are 'visible'.
 */

type Range = readonly [number, number];

export interface HumanSynthOptions {
  width: number;
  height: number;
  /** Relative weights of the pose families. Default: all equal. */
  families: Partial<Record<HumanPoseFamily, number>>;
  /**
   * Yaw about the vertical axis in degrees (0 = facing the camera, ±180 = back to the camera, +90 = facing the image
   * left). null: 40 % within ±40° of front, 25 % within ±40° of back, 35 % anywhere.
   */
  yawDeg: Range | null;
  /** Camera elevation (tilts the figure towards/away from the camera), degrees. */
  pitchDeg: Range;
  /** In-plane rotation (clockwise on screen), degrees; with probability `rollOutlierProbability` from `rollOutlierDeg`. */
  rollDeg: Range;
  rollOutlierProbability: number;
  rollOutlierDeg: Range;
  /** Stature (upright ankle-to-head-top height) in px, as a fraction of the image height. */
  statureFraction: Range;
  /** Joints stay at least max(1, this × min(W, H)) px inside the image. */
  marginFraction: number;
  /** Probability of having occluders at all, and their maximum count (1..max). */
  occluderProbability: number;
  maxOccluders: number;
  /** Up to this many background clutter shapes. */
  maxDistractors: number;
  /** Uniform sensor noise amplitude (fraction of full scale). */
  noise: Range;
  /** Left clothes brighter / right clothes darker by this fraction. */
  sideShade: Range;
}

export const DEFAULT_HUMAN_SYNTH_OPTIONS: HumanSynthOptions = {
  width: 128,
  height: 128,
  families: Object.fromEntries(HUMAN_POSE_FAMILIES.map((family) => [family, 1])),
  yawDeg: null,
  pitchDeg: [-12, 12],
  rollDeg: [-30, 30],
  rollOutlierProbability: 0.08,
  rollOutlierDeg: [-100, 100],
  statureFraction: [0.5, 0.95],
  marginFraction: 0.03,
  occluderProbability: 0.4,
  maxOccluders: 2,
  maxDistractors: 3,
  noise: [0, 0.025],
  sideShade: [0.07, 0.14],
};

export type Visibility = 'visible' | 'occluded';

export interface HumanJoint {
  /** Column, px (integer = pixel centre). */
  u: number;
  /** Row, px (integer = pixel centre). */
  v: number;
  visibility: Visibility;
}

export type Facing = 'front' | 'back' | 'left' | 'right';

export interface HumanSynthFrame {
  width: number;
  height: number;
  /** Row-major RGBA8, alpha 255. */
  rgba: Uint8ClampedArray;
  /** 16 joints in MPII16 internal order (head_top, neck, l_shoulder, …, pelvis, thorax). */
  joints: HumanJoint[];
  /** Person box [x, y, w, h]: joints and head, padded by 5 % of the longer side on every side, clipped to the image. */
  box: [number, number, number, number];
  /**
   * Head box [x1, y1, x2, y2]: the axis-aligned bounds of the drawn head oval, which spans the upper neck to the head
   * top (an MPII-style head rectangle, the PCKh normaliser); not clipped to the image.
   */
  headBox: [number, number, number, number];
  family: HumanPoseFamily;
  /** Which way the person faces: front (towards the camera), back, or a profile facing image left/right. */
  facing: Facing;
  view: { yawDeg: number; pitchDeg: number; rollDeg: number; /** px per stature unit */ scale: number };
  /** Per joint orthographic depth in px (larger = farther from the camera; only the order matters). */
  depth: number[];
  /** 3-D bone lengths in stature units, BONES (= MPII16.edges) order. */
  bones: number[];
  occluders: Occluder[];
  /** Pose draws needed to fit the image (the last one is shrunk to fit when every draw was too big). */
  attempts: number;
}

export interface HumanSynth {
  readonly width: number;
  readonly height: number;
  readonly options: HumanSynthOptions;
  /** Draws everything from `rng`, so a seed fixes the frame. */
  next(rng: Rng): HumanSynthFrame;
  /** Frame `index` of the stream for `seed` (its own seed: `humanFrameSeed(seed, index)`). */
  frame(seed: number, index: number): HumanSynthFrame;
}

/** Pose draws before falling back to shrinking the last one. */
export const MAX_PLACEMENT_ATTEMPTS = 12;

/** Decorrelated per-frame seed (golden-ratio multiplier), stable for (seed, frame index). */
export function humanFrameSeed(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
}

const DEG = Math.PI / 180;

interface Projected {
  x: number;
  y: number;
  z: number;
}

interface Appearance {
  skin: RGB;
  hair: RGB;
  shirt: RGB;
  trousers: RGB;
  shoes: RGB;
  longSleeves: boolean;
  longTrousers: boolean;
  sideShade: number;
}

/** A generator that keeps its canvas across frames (one per thread for throughput). */
export function createHumanSynth(options: Partial<HumanSynthOptions> = {}): HumanSynth {
  const settings: HumanSynthOptions = { ...DEFAULT_HUMAN_SYNTH_OPTIONS, ...options };
  const { width, height } = settings;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 16 && height >= 16))
    throw new Error(`image size must be whole pixels, at least 16×16 (got ${width}×${height})`);
  const canvas = new RgbCanvas(width, height);
  const margin = Math.max(1, settings.marginFraction * Math.min(width, height));

  const next = (rng: Rng): HumanSynthFrame => {
    const family = pickHumanFamily(rng, settings.families);

    // Pose, proportions and view, re-drawn until the joints fit inside the margins.
    let attempts = 0;
    let placed: Placement | null = null;
    while (attempts < MAX_PLACEMENT_ATTEMPTS) {
      attempts++;
      placed = drawPlacement(rng, family, settings);
      if (placed.fitScale >= 1) break;
    }
    const placement = placed!;
    if (placement.fitScale < 1) placement.scale *= placement.fitScale * 0.98;

    // Screen transform: p' = scale · Rroll · (V p)xy + t, depth = scale · (V p)z.
    const { view, scale } = placement;
    const cr = Math.cos(placement.roll);
    const sr = Math.sin(placement.roll);
    const figure = placement.figure;
    const local = (p: Vec3): Projected => {
      const c = mulVec(view, p);
      return { x: scale * (cr * c[0] - sr * c[1]), y: scale * (sr * c[0] + cr * c[1]), z: scale * c[2] };
    };
    const jointAt = (j: number): Vec3 => [
      figure.joints[3 * j]!,
      figure.joints[3 * j + 1]!,
      figure.joints[3 * j + 2]!,
    ];
    const localJoints = Array.from({ length: JOINT_COUNT }, (_, j) => local(jointAt(j)));
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of localJoints) {
      minX = Math.min(minX, p.x);
      maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y);
      maxY = Math.max(maxY, p.y);
    }
    const lowX = margin - minX;
    const highX = width - 1 - margin - maxX;
    const lowY = margin - minY;
    const highY = height - 1 - margin - maxY;
    const tx = highX > lowX ? rng.uniform(lowX, highX) : (lowX + highX) / 2;
    const ty = highY > lowY ? rng.uniform(lowY, highY) : (lowY + highY) / 2;
    const project = (p: Vec3): Projected => {
      const q = local(p);
      return { x: q.x + tx, y: q.y + ty, z: q.z };
    };
    const screenDir = (d: Vec3): Projected => {
      const c = mulVec(view, d);
      return { x: cr * c[0] - sr * c[1], y: sr * c[0] + cr * c[1], z: c[2] };
    };
    const joints2d = localJoints.map((p) => ({ x: p.x + tx, y: p.y + ty, z: p.z }));

    // Appearance, light, background.
    const look = sampleAppearance(rng, settings);
    const light = sampleLight(rng);
    canvas.background(sampleBackground(rng, height), rng);
    const distractors = rng.int(settings.maxDistractors + 1);
    for (let i = 0; i < distractors; i++) drawDistractor(canvas, rng, light);

    // The figure, far to near.
    const head = headGeometry(figure, placement.shape, project, screenDir, scale);
    drawFigure(canvas, figure, placement.shape, look, light, project, scale, joints2d, head);

    // Occluders over the figure; joints inside one are 'occluded'.
    const occluders = sampleOccluders(rng, settings, joints2d, width, height);
    for (const o of occluders) {
      const pattern = samplePattern(rng, 0.6);
      canvas.occluder(o, randomColour(rng, [0, 0.8], [0.15, 0.95]), pattern, rng.uniform(-0.25, 0.25));
    }
    const joints: HumanJoint[] = joints2d.map((p) => ({
      u: p.x,
      v: p.y,
      visibility: occluders.some((o) => insideOccluder(o, p.x, p.y)) ? 'occluded' : 'visible',
    }));

    const tint: RGB = [1 + 0.06 * rng.normal(), 1 + 0.03 * rng.normal(), 1 + 0.06 * rng.normal()];
    const rgba = new Uint8ClampedArray(width * height * 4);
    canvas.toRgba(rgba, tint, rng.uniform(0.85, 1.15), rng.uniform(...settings.noise), rng);

    const headBox = head.box;
    const box = personBox(joints2d, headBox, width, height);
    const yaw = normaliseDegrees(placement.yaw / DEG);
    const forward = screenDir(figure.torsoForward);
    const facing: Facing =
      Math.abs(yaw) <= 45 ? 'front' : Math.abs(yaw) >= 135 ? 'back' : forward.x < 0 ? 'left' : 'right';
    return {
      width,
      height,
      rgba,
      joints,
      box,
      headBox,
      family,
      facing,
      view: { yawDeg: yaw, pitchDeg: placement.pitch / DEG, rollDeg: placement.roll / DEG, scale },
      depth: joints2d.map((p) => p.z),
      bones: boneLengths(figure.joints),
      occluders,
      attempts,
    };
  };

  return {
    width,
    height,
    options: settings,
    next,
    frame: (seed, index) => next(createRng(humanFrameSeed(seed, index))),
  };
}

/** Frame `index` of the stream for `seed`; allocates a generator per call (use `createHumanSynth` for many). */
export function generateHumanFrame(
  seed: number,
  index = 0,
  options: Partial<HumanSynthOptions> = {},
): HumanSynthFrame {
  return createHumanSynth(options).frame(seed, index);
}

/** Frames per second of one generator on this thread (128×128 unless `options` says otherwise). */
export function benchHumanSynth(frames = 300, options: Partial<HumanSynthOptions> = {}): number {
  const generator = createHumanSynth(options);
  for (let i = 0; i < 10; i++) generator.frame(7, i); // warm-up
  const start = Date.now();
  for (let i = 0; i < frames; i++) generator.frame(1, i);
  return frames / Math.max(1e-3, (Date.now() - start) / 1000);
}

// ---------------------------------------------------------------------------------------------------------------
// Placement

interface Placement {
  figure: Figure3D;
  shape: HumanShape;
  /** Body frame → camera frame (x right, y down, z away from the camera). */
  view: number[];
  yaw: number;
  pitch: number;
  roll: number;
  scale: number;
  /** ≥ 1 when the joints fit inside the margins at `scale`; else the factor that makes them fit. */
  fitScale: number;
}

/** Body (left, down, forward) → camera (right, down, away) for a person facing the camera: M0 = diag(1, 1, −1). */
const FRONT_VIEW = [1, 0, 0, 0, 1, 0, 0, 0, -1];

function drawPlacement(rng: Rng, family: HumanPoseFamily, settings: HumanSynthOptions): Placement {
  const pose = sampleHumanPose(rng, family);
  const shape = sampleShape(rng);
  const figure = buildFigure(pose, shape);
  let yawDeg: number;
  if (settings.yawDeg) yawDeg = rng.uniform(...settings.yawDeg);
  else {
    const pick = rng.next();
    yawDeg =
      pick < 0.4 ? rng.uniform(-40, 40) : pick < 0.65 ? 180 + rng.uniform(-40, 40) : rng.uniform(-180, 180);
  }
  const yaw = yawDeg * DEG;
  const pitch = rng.uniform(...settings.pitchDeg) * DEG;
  const roll =
    (rng.next() < settings.rollOutlierProbability
      ? rng.uniform(...settings.rollOutlierDeg)
      : rng.uniform(...settings.rollDeg)) * DEG;
  const view = mulMat(rotX(pitch), mulMat(rotY(yaw), FRONT_VIEW));
  const scale = rng.uniform(...settings.statureFraction) * settings.height;
  // Extent of the rotated, scaled joints against the room inside the margins.
  const [cr, sr] = [Math.cos(roll), Math.sin(roll)];
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let j = 0; j < JOINT_COUNT; j++) {
    const c = mulVec(view, [figure.joints[3 * j]!, figure.joints[3 * j + 1]!, figure.joints[3 * j + 2]!]);
    const x = cr * c[0] - sr * c[1];
    const y = sr * c[0] + cr * c[1];
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const margin = Math.max(1, settings.marginFraction * Math.min(settings.width, settings.height));
  const roomX = settings.width - 1 - 2 * margin;
  const roomY = settings.height - 1 - 2 * margin;
  const fitScale = Math.min(
    roomX / Math.max(1e-9, (maxX - minX) * scale),
    roomY / Math.max(1e-9, (maxY - minY) * scale),
  );
  return { figure, shape, view, yaw, pitch, roll, scale, fitScale };
}

function normaliseDegrees(deg: number): number {
  const d = ((((deg + 180) % 360) + 360) % 360) - 180;
  return d === -180 ? 180 : d;
}

// ---------------------------------------------------------------------------------------------------------------
// Appearance

function hsv(h: number, s: number, v: number): RGB {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

function randomColour(rng: Rng, saturation: Range, value: Range): RGB {
  return hsv(rng.next(), rng.uniform(...saturation), rng.uniform(...value));
}

const jitter = (rng: Rng, c: RGB, amount: number): RGB => [
  Math.max(0, c[0] * (1 + amount * rng.uniform(-1, 1))),
  Math.max(0, c[1] * (1 + amount * rng.uniform(-1, 1))),
  Math.max(0, c[2] * (1 + amount * rng.uniform(-1, 1))),
];

const SKIN_TONES: readonly RGB[] = [
  [0.96, 0.8, 0.69],
  [0.91, 0.72, 0.58],
  [0.8, 0.6, 0.45],
  [0.63, 0.45, 0.32],
  [0.46, 0.31, 0.21],
  [0.3, 0.2, 0.14],
];
const HAIR_COLOURS: readonly RGB[] = [
  [0.07, 0.05, 0.04],
  [0.22, 0.14, 0.08],
  [0.42, 0.28, 0.15],
  [0.78, 0.64, 0.36],
  [0.55, 0.25, 0.1],
  [0.6, 0.6, 0.58],
];
const TROUSER_COLOURS: readonly RGB[] = [
  [0.15, 0.22, 0.4],
  [0.1, 0.1, 0.11],
  [0.35, 0.35, 0.37],
  [0.6, 0.53, 0.38],
  [0.25, 0.3, 0.2],
];

function sampleAppearance(rng: Rng, settings: HumanSynthOptions): Appearance {
  const pickFrom = (list: readonly RGB[]): RGB => list[rng.int(list.length)]!;
  return {
    skin: jitter(rng, pickFrom(SKIN_TONES), 0.06),
    hair: jitter(rng, pickFrom(HAIR_COLOURS), 0.1),
    shirt: randomColour(rng, [0.1, 0.85], [0.25, 0.95]),
    trousers:
      rng.next() < 0.6
        ? jitter(rng, pickFrom(TROUSER_COLOURS), 0.1)
        : randomColour(rng, [0.1, 0.7], [0.15, 0.8]),
    shoes: randomColour(rng, [0, 0.4], [0.05, 0.35]),
    longSleeves: rng.next() < 0.6,
    longTrousers: rng.next() < 0.75,
    sideShade: rng.uniform(...settings.sideShade),
  };
}

/** Left side brighter, right side darker (`side` +1 left, −1 right). */
const sided = (c: RGB, side: number, amount: number): RGB => {
  const k = 1 + side * amount;
  return [c[0] * k, c[1] * k, c[2] * k];
};

function sampleLight(rng: Rng): Light {
  const azimuth = rng.uniform(0, 2 * Math.PI);
  const z = rng.uniform(0.55, 0.9);
  const xy = Math.sqrt(1 - z * z);
  return { x: xy * Math.cos(azimuth), y: xy * Math.sin(azimuth), z, ambient: rng.uniform(0.3, 0.5) };
}

function samplePattern(rng: Rng, probability: number): Pattern {
  const roll = rng.next();
  const kind = roll < probability * 0.6 ? 'stripes' : roll < probability ? 'checker' : 'none';
  return {
    kind,
    colour: randomColour(rng, [0, 0.9], [0.1, 1]),
    period: rng.uniform(4, 24),
    angle: rng.uniform(0, Math.PI),
    strength: rng.uniform(0.15, 0.6),
  };
}

function sampleBackground(rng: Rng, height: number): BackgroundStyle {
  const base = randomColour(rng, [0, 0.7], [0.15, 0.95]);
  return {
    from: base,
    to: jitter(rng, randomColour(rng, [0, 0.7], [0.15, 0.95]), 0.1),
    gradientAngle: rng.uniform(0, 2 * Math.PI),
    noiseColour: randomColour(rng, [0, 0.8], [0.05, 1]),
    noiseStrength: rng.uniform(0.1, 0.7),
    noiseCells: 2 + rng.int(7),
    grain: rng.uniform(0, 0.12),
    pattern: samplePattern(rng, 0.45),
    floor:
      rng.next() < 0.45
        ? {
            colour: randomColour(rng, [0, 0.6], [0.1, 0.8]),
            horizon: rng.uniform(0.35, 0.8) * height,
            tilt: rng.uniform(-0.2, 0.2),
            strength: rng.uniform(0.4, 0.9),
          }
        : null,
  };
}

function drawDistractor(canvas: RgbCanvas, rng: Rng, light: Light): void {
  const { width, height } = canvas;
  const size = Math.min(width, height);
  const colour = randomColour(rng, [0, 0.8], [0.1, 0.95]);
  const x = rng.uniform(0, width);
  const y = rng.uniform(0, height);
  if (rng.next() < 0.5) {
    const length = rng.uniform(0.1, 0.5) * size;
    const angle = rng.uniform(0, 2 * Math.PI);
    const r = rng.uniform(0.02, 0.08) * size;
    canvas.capsule(
      x,
      y,
      x + length * Math.cos(angle),
      y + length * Math.sin(angle),
      r,
      r * rng.uniform(0.6, 1),
      colour,
      light,
    );
  } else {
    const a = rng.uniform(0.04, 0.2) * size;
    canvas.ellipse(
      x,
      y,
      a,
      a * rng.uniform(0.4, 1),
      rng.uniform(0, Math.PI),
      colour,
      light,
      rng.uniform(0, 1),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Figure painting

interface HeadGeometry {
  cx: number;
  cy: number;
  /** Semi-axes (px) along and across the head's screen axis, and that axis' angle. */
  along: number;
  across: number;
  angle: number;
  /** Face direction on screen (length ≤ 1) and its component towards the camera (1 = facing it). */
  faceX: number;
  faceY: number;
  frontness: number;
  /** Eyes on screen, when facing the camera enough to see them. */
  eyes: Point2[];
  box: [number, number, number, number];
  depth: number;
}

function headGeometry(
  figure: Figure3D,
  shape: HumanShape,
  project: (p: Vec3) => Projected,
  screenDir: (d: Vec3) => Projected,
  scale: number,
): HeadGeometry {
  const j = figure.joints;
  const neck: Vec3 = [j[3 * J.neck]!, j[3 * J.neck + 1]!, j[3 * J.neck + 2]!];
  const top: Vec3 = [j[3 * J.headTop]!, j[3 * J.headTop + 1]!, j[3 * J.headTop + 2]!];
  const headLength = Math.hypot(top[0] - neck[0], top[1] - neck[1], top[2] - neck[2]);
  const along3d = 0.53 * headLength;
  const across3d = along3d * shape.headAspect;
  // Centred between the upper neck (≈ chin) and the head top, so the oval (and its box) holds both joints.
  const centre3d: Vec3 = [(neck[0] + top[0]) / 2, (neck[1] + top[1]) / 2, (neck[2] + top[2]) / 2];
  const centre = project(centre3d);
  const up = screenDir(figure.headUp);
  const face = screenDir(figure.headForward);
  const upLength = Math.hypot(up.x, up.y);
  const across = across3d * scale;
  const along = Math.max(across, along3d * scale * upLength);
  const angle = upLength > 1e-6 ? Math.atan2(up.y, up.x) : 0;
  const eyes: Point2[] = [];
  const frontness = -face.z;
  if (frontness > 0.15) {
    for (const side of [1, -1]) {
      const normal: Vec3 = [
        figure.headForward[0] + side * 0.6 * figure.headLeft[0],
        figure.headForward[1] + side * 0.6 * figure.headLeft[1],
        figure.headForward[2] + side * 0.6 * figure.headLeft[2],
      ];
      if (screenDir(normal).z > -0.25) continue;
      const eye: Vec3 = [0, 1, 2].map(
        (k) =>
          centre3d[k]! +
          figure.headForward[k]! * 0.85 * across3d +
          figure.headLeft[k]! * side * 0.36 * across3d -
          figure.headUp[k]! * 0.02 * along3d,
      ) as Vec3;
      const p = project(eye);
      eyes.push({ x: p.x, y: p.y });
    }
  }
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const ex = Math.sqrt(along * along * c * c + across * across * s * s);
  const ey = Math.sqrt(along * along * s * s + across * across * c * c);
  return {
    cx: centre.x,
    cy: centre.y,
    along,
    across,
    angle,
    faceX: face.x,
    faceY: face.y,
    frontness,
    eyes,
    box: [centre.x - ex, centre.y - ey, centre.x + ex, centre.y + ey],
    depth: centre.z,
  };
}

interface DrawItem {
  depth: number;
  draw: () => void;
}

function drawFigure(
  canvas: RgbCanvas,
  figure: Figure3D,
  shape: HumanShape,
  look: Appearance,
  light: Light,
  project: (p: Vec3) => Projected,
  scale: number,
  joints: Projected[],
  head: HeadGeometry,
): void {
  const items: DrawItem[] = [];
  const limb = (from: Projected, to: Projected, r0: number, r1: number, colour: RGB, bias = 0): void => {
    items.push({
      depth: (from.z + to.z) / 2 + bias * scale,
      draw: () => canvas.capsule(from.x, from.y, to.x, to.y, r0 * scale, r1 * scale, colour, light),
    });
  };
  const t = shape.taper;
  const shade = look.sideShade;
  for (const [side, shoulder, elbow, wrist, k] of [
    [1, J.lShoulder, J.lElbow, J.lWrist, 0],
    [-1, J.rShoulder, J.rElbow, J.rWrist, 1],
  ] as const) {
    const sleeve = sided(look.shirt, side, shade);
    const upperR = shape.upperArmRadius;
    const foreR = shape.forearmRadius;
    limb(joints[shoulder]!, joints[elbow]!, upperR, upperR * t, sleeve);
    limb(joints[elbow]!, joints[wrist]!, foreR, foreR * t, look.longSleeves ? sleeve : look.skin);
    const tip = project(figure.handTips[k]);
    limb(joints[wrist]!, tip, foreR * t * 1.1, foreR * 0.85, look.skin, -0.005);
  }
  for (const [side, hip, knee, ankle, k] of [
    [1, J.lHip, J.lKnee, J.lAnkle, 0],
    [-1, J.rHip, J.rKnee, J.rAnkle, 1],
  ] as const) {
    const leg = sided(look.trousers, side, shade);
    limb(joints[hip]!, joints[knee]!, shape.thighRadius, shape.thighRadius * t, leg);
    limb(
      joints[knee]!,
      joints[ankle]!,
      shape.shinRadius,
      shape.shinRadius * t,
      look.longTrousers ? leg : look.skin,
    );
    const toe = project(figure.toes[k]);
    limb(
      joints[ankle]!,
      toe,
      shape.shinRadius * t * 0.95,
      shape.shinRadius * 0.75,
      sided(look.shoes, side, shade),
    );
  }

  // Torso: convex hull of its outline points; the trousers reach a little above the pelvis joint.
  const pelvis = joints[J.pelvis]!;
  const thorax = joints[J.thorax]!;
  const hull = convexHull(figure.torsoHull.map((p) => project(p)));
  const torsoDepth = (pelvis.z + thorax.z) / 2 + 0.04 * scale;
  items.push({
    depth: torsoDepth,
    draw: () =>
      canvas.torso(hull, pelvis.x, pelvis.y, thorax.x, thorax.y, look.shirt, look.trousers, 0.2, light),
  });
  const neck = joints[J.neck]!;
  items.push({
    depth: torsoDepth - 0.001 * scale,
    draw: () =>
      canvas.capsule(
        thorax.x,
        thorax.y,
        neck.x,
        neck.y,
        shape.neckRadius * scale,
        shape.neckRadius * 0.9 * scale,
        look.skin,
        light,
      ),
  });
  items.push({ depth: head.depth - 0.05 * scale, draw: () => drawHead(canvas, head, look, light) });

  // Far to near; ties keep insertion order.
  const order = items.map((item, i) => ({ item, i }));
  order.sort((a, b) => b.item.depth - a.item.depth || a.i - b.i);
  for (const { item } of order) item.draw();
}

function drawHead(canvas: RgbCanvas, head: HeadGeometry, look: Appearance, light: Light): void {
  const { cx, cy, along, across, angle, faceX, faceY, frontness } = head;
  const upX = Math.cos(angle);
  const upY = Math.sin(angle);
  // Hair: the whole head oval (seen from behind this is all there is).
  canvas.ellipse(cx, cy, along, across, angle, look.hair, light);
  if (frontness > -0.25) {
    // Face: a skin oval shifted down the head and towards where the face points.
    const f = Math.max(0, Math.min(1, frontness + 0.25));
    const fx = cx - upX * 0.16 * along + faceX * 0.32 * across;
    const fy = cy - upY * 0.16 * along + faceY * 0.32 * across;
    canvas.ellipse(fx, fy, along * 0.8, across * (0.45 + 0.38 * f), angle, look.skin, light, 0.8);
  }
  const eyeR = Math.max(0.45, 0.11 * across);
  for (const eye of head.eyes) canvas.ellipse(eye.x, eye.y, eyeR, eyeR, 0, [0.06, 0.05, 0.05], light, 0);
}

/** Andrew's monotone chain; counter-clockwise on screen coordinates. */
function convexHull(points: Projected[]): Point2[] {
  const sorted = points.map(({ x, y }) => ({ x, y })).sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point2, a: Point2, b: Point2): number =>
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point2[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0)
      lower.pop();
    lower.push(p);
  }
  const upper: Point2[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0)
      upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

// ---------------------------------------------------------------------------------------------------------------
// Occluders, boxes

function sampleOccluders(
  rng: Rng,
  settings: HumanSynthOptions,
  joints: Projected[],
  width: number,
  height: number,
): Occluder[] {
  if (settings.maxOccluders <= 0 || rng.next() >= settings.occluderProbability) return [];
  const count = 1 + rng.int(settings.maxOccluders);
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of joints) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const figureSize = Math.max(8, Math.hypot(maxX - minX, maxY - minY));
  const occluders: Occluder[] = [];
  for (let i = 0; i < count; i++) {
    const target = joints[rng.int(joints.length)]!;
    const kind = rng.next() < 0.6 ? 'rect' : 'ellipse';
    let hw = rng.uniform(0.06, 0.22) * figureSize;
    let hh = rng.uniform(0.06, 0.22) * figureSize;
    const o: Occluder = {
      kind,
      cx: Math.min(width - 1, Math.max(0, target.x + rng.uniform(-0.7, 0.7) * hw)),
      cy: Math.min(height - 1, Math.max(0, target.y + rng.uniform(-0.7, 0.7) * hh)),
      hw,
      hh,
      angle: kind === 'rect' && rng.next() < 0.5 ? 0 : rng.uniform(-Math.PI / 2, Math.PI / 2),
    };
    // Never hide most of the person: shrink until at most 6 joints are covered.
    for (let k = 0; k < 6; k++) {
      const covered = joints.filter((p) => insideOccluder(o, p.x, p.y)).length;
      if (covered <= 6) break;
      hw *= 0.7;
      hh *= 0.7;
      o.hw = hw;
      o.hh = hh;
    }
    occluders.push(o);
  }
  return occluders;
}

function personBox(
  joints: Projected[],
  headBox: readonly number[],
  width: number,
  height: number,
): [number, number, number, number] {
  let x1 = headBox[0]!;
  let y1 = headBox[1]!;
  let x2 = headBox[2]!;
  let y2 = headBox[3]!;
  for (const p of joints) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  const pad = 0.05 * Math.max(x2 - x1, y2 - y1);
  x1 = Math.max(0, x1 - pad);
  y1 = Math.max(0, y1 - pad);
  x2 = Math.min(width - 1, x2 + pad);
  y2 = Math.min(height - 1, y2 + pad);
  return [x1, y1, x2 - x1, y2 - y1];
}
