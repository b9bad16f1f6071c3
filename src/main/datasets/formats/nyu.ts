import { type LineProblem, parseNumbers, tokens } from './labels';
import { type Inflate, type MatArray, matIndex, readMatNumericArrays } from './mat5';

export const NYU_JOINTS = 36;
export const NYU_EVAL_JOINTS = 14;

/** `depth_<kinect>_<frame, 1-based, 7 digits>.png` for 0-based frame index `frame`. */
export function nyuDepthFileName(kinect: number, frame: number): string {
  return `depth_${kinect}_${String(frame + 1).padStart(7, '0')}.png`;
}

export interface NyuJointTable {
  /** 'nyu36' for joint_data.mat, 'nyu14' for the evaluation-subset files. */
  skeleton: 'nyu36' | 'nyu14';
  /** One flat (u, v, d) array per frame, frame i ↔ depth_<k>_<i+1>.png. */
  frames: Float64Array[];
}

/**
 * Reads NYU joints from a MAT v5 file: the dataset's `joint_data.mat` (`joint_uvd`, kinect × frame × 36 × 3; the
 * kinect argument is 1-based like the file names) or the common 14-joint `keypoints3D` (frame × 14 × 3, A2J).
 */
export function parseNyuJointMat(bytes: Uint8Array, inflate: Inflate, kinect = 1): NyuJointTable {
  const arrays = readMatNumericArrays(bytes, inflate);
  const full = arrays.get('joint_uvd');
  if (full) return { skeleton: 'nyu36', frames: framesOf(full, NYU_JOINTS, [kinect - 1]) };
  const subset = arrays.get('keypoints3D');
  if (subset) return { skeleton: 'nyu14', frames: framesOf(subset, NYU_EVAL_JOINTS, []) };
  throw new Error(`no joint_uvd or keypoints3D array (found: ${[...arrays.keys()].join(', ') || 'none'})`);
}

/** One line of `nyu_test_groundtruth_label.txt`: 14 × (u, v, d), no file name; line i ↔ frame i−1. */
export function parseNyuEvalLine(line: string): Float64Array | LineProblem {
  return parseNumbers(tokens(line), 0, 3 * NYU_EVAL_JOINTS);
}

/** Frames of a [...leading, frame, joint, 3] array as flat (u, v, d) per frame; `leading` fixes the first axes. */
function framesOf(array: MatArray, jointCount: number, leading: readonly number[]): Float64Array[] {
  const { dims, data } = array;
  if (
    dims.length !== leading.length + 3 ||
    dims[leading.length + 1] !== jointCount ||
    dims[leading.length + 2] !== 3
  ) {
    throw new Error(
      `expected ${leading.length ? '? × ' : ''}N × ${jointCount} × 3 joints, found ${dims.join(' × ')}`,
    );
  }
  leading.forEach((value, axis) => {
    if (value < 0 || value >= dims[axis]!)
      throw new Error(`index ${value + 1} is outside dimension ${axis + 1} (${dims[axis]})`);
  });
  const axis = leading.length;
  const at = (subscript: number[]): number => matIndex(dims, [...leading, ...subscript]);
  const base = at([0, 0, 0]);
  const [frameStride, jointStride, coordinateStride] = [
    at([1, 0, 0]) - base,
    at([0, 1, 0]) - base,
    at([0, 0, 1]) - base,
  ];
  return Array.from({ length: dims[axis]! }, (_, frame) => {
    const uvd = new Float64Array(3 * jointCount);
    for (let joint = 0; joint < jointCount; joint++) {
      for (let k = 0; k < 3; k++)
        uvd[3 * joint + k] = data[base + frame * frameStride + joint * jointStride + k * coordinateStride]!;
    }
    return uvd;
  });
}
