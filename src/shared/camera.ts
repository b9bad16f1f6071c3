import type { Intrinsics } from './domain';

/**
 * Pinhole camera maths shared by every depth dataset. One convention everywhere: x right, y DOWN, z forward, mm;
 * u = cx + fx·x/z, v = cy + fy·y/z, d = z. Datasets whose raw xyz uses another convention (NYU y up, MSRA y up and
 * z negative) are converted once, at import, so nothing downstream needs to know.
 */

export type DatasetCameraId = 'icvl' | 'nyu' | 'bighand' | 'msra';

export interface CameraPreset {
  id: DatasetCameraId;
  label: string;
  intrinsics: Intrinsics;
  /** Where the numbers come from (see fixtures PROVENANCE §8). */
  source: string;
}

/** Official dataset intrinsics: the recommended defaults for a fresh project. */
export const CAMERA_PRESETS: Readonly<Record<DatasetCameraId, CameraPreset>> = {
  icvl: {
    id: 'icvl',
    label: 'ICVL (Creative Senz3D, 320×240)',
    intrinsics: { fx: 241.42, fy: 241.42, cx: 160, cy: 120, width: 320, height: 240 },
    source: 'DeepPrior++ ICVLImporter; V2V-PoseNet',
  },
  nyu: {
    id: 'nyu',
    label: 'NYU (Kinect v1, 640×480)',
    intrinsics: { fx: 588.036865, fy: 587.075073, cx: 320, cy: 240, width: 640, height: 480 },
    source: 'DeepPrior++ NYUImporter; V2V-PoseNet data.lua',
  },
  bighand: {
    id: 'bighand',
    label: 'BigHand2.2M / HANDS2017 (SR300, 640×480)',
    intrinsics: { fx: 475.065948, fy: 475.065857, cx: 315.944855, cy: 245.287079, width: 640, height: 480 },
    source: 'V2V-PoseNet HANDS2017 data.lua; xkunwu/depth-hand',
  },
  msra: {
    id: 'msra',
    label: 'MSRA14 / MSRA15 (320×240)',
    intrinsics: { fx: 241.42, fy: 241.42, cx: 160, cy: 120, width: 320, height: 240 },
    source: 'dataset READMEs; DeepPrior++ MSRA15Importer',
  },
};

/**
 * The intrinsics hard-coded in the reference active-learning code (spec §1.4), for bit-faithful reproduction of its
 * numbers only. ICVL and NYU differ from the official values (NYU by ~3 %, gotcha G18); MSRA is not in that code.
 */
export const REFERENCE_CODE_INTRINSICS: Readonly<Record<Exclude<DatasetCameraId, 'msra'>, Intrinsics>> = {
  icvl: { fx: 320 * 0.7531, fy: 240 * 1.004, cx: 160, cy: 120, width: 320, height: 240 },
  nyu: { fx: 640 * 0.8925925, fy: 480 * 1.190123339, cx: 320, cy: 240, width: 640, height: 480 },
  bighand: CAMERA_PRESETS.bighand.intrinsics,
};

type Pinhole = Pick<Intrinsics, 'fx' | 'fy' | 'cx' | 'cy'>;

/** Flat (u, v, d) triples → flat (x, y, z) triples in mm. `out` may alias `uvd`. */
export function uvdToXyz(
  camera: Pinhole,
  uvd: ArrayLike<number>,
  out = new Float64Array(uvd.length),
): Float64Array {
  for (let i = 0; i + 2 < uvd.length; i += 3) {
    const u = uvd[i]!;
    const v = uvd[i + 1]!;
    const d = uvd[i + 2]!;
    out[i] = ((u - camera.cx) * d) / camera.fx;
    out[i + 1] = ((v - camera.cy) * d) / camera.fy;
    out[i + 2] = d;
  }
  return out;
}

/** Flat (x, y, z) triples in mm → flat (u, v, d) triples. `out` may alias `xyz`. */
export function xyzToUvd(
  camera: Pinhole,
  xyz: ArrayLike<number>,
  out = new Float64Array(xyz.length),
): Float64Array {
  for (let i = 0; i + 2 < xyz.length; i += 3) {
    const x = xyz[i]!;
    const y = xyz[i + 1]!;
    const z = xyz[i + 2]!;
    out[i] = camera.cx + (camera.fx * x) / z;
    out[i + 1] = camera.cy + (camera.fy * y) / z;
    out[i + 2] = z;
  }
  return out;
}

/** 3-D distance (mm) between two (u, v, d) points of the same camera: both back-projected, then Euclidean. */
export function uvdDistanceMm(camera: Pinhole, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [p, q] = [uvdToXyz(camera, a), uvdToXyz(camera, b)];
  return Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
}
