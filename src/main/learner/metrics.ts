import type { CropGeometry } from './protocol';

/**
 * Mean 3-D joint error in mm between predicted and true normalised uvd (spec §1.5: u = U + n_u·S, v = V + n_v·S,
 * d = D + n_d·Bc, then the pin-hole inverse). Mean over samples and joints.
 */
export function meanJointErrorMm(
  predicted: Float32Array,
  truth: Float32Array,
  geometry: CropGeometry,
  count: number,
): number {
  const joints = predicted.length / count / 3;
  let total = 0;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < joints; j++) {
      const at = (i * joints + j) * 3;
      const p = toXyz(predicted, at, geometry, i);
      const t = toXyz(truth, at, geometry, i);
      total += Math.hypot(p[0] - t[0], p[1] - t[1], p[2] - t[2]);
    }
  }
  return total / (count * joints);
}

/** Normalised uvd (one joint at `at`) of sample i → camera xyz in mm. */
export function toXyz(
  uvd: ArrayLike<number>,
  at: number,
  geometry: CropGeometry,
  i: number,
): [number, number, number] {
  const { centre, cropSize, cube, intrinsics } = geometry;
  const size = cropSize[i]!;
  const u = centre[3 * i]! + uvd[at]! * size;
  const v = centre[3 * i + 1]! + uvd[at + 1]! * size;
  const d = centre[3 * i + 2]! + uvd[at + 2]! * cube[i]!;
  const [fx, fy, cx, cy] = [
    intrinsics[4 * i]!,
    intrinsics[4 * i + 1]!,
    intrinsics[4 * i + 2]!,
    intrinsics[4 * i + 3]!,
  ];
  return [((u - cx) * d) / fx, ((v - cy) * d) / fy, d];
}

/** Mean over samples and coordinates of the squared error (normalised units): the model-selection metric (§3.3). */
export function meanSquaredError(predicted: Float32Array, truth: Float32Array): number {
  let total = 0;
  for (let i = 0; i < predicted.length; i++) total += (predicted[i]! - truth[i]!) ** 2;
  return total / predicted.length;
}
