import type { CropFrame } from '../../datasets';
import { toXyz, type CropGeometry } from '../../learner';

/**
 * Crop centring of the depth pipeline (DeepPrior++'s refined centre). The reference point is the centroid of all the
 * hand's joints — the point spec §1.2 measures a detected centre against (frames whose centre is more than cube/3
 * from the mean joint are dropped there). Averaging every predicted joint also averages out their independent
 * errors, where a palm/MCP centroid would rest on 6 of 21 joints and sit off the hand's middle for a fist or an
 * open hand alike.
 */

export interface Centre {
  u: number;
  v: number;
  d: number;
}

/** Mean u (px), v (px), d (mm) of the joints in one joint-major uvd row. */
export function uvdCentroid(uvd: ArrayLike<number>, from = 0, outputs = uvd.length): Centre {
  const joints = outputs / 3;
  let [u, v, d] = [0, 0, 0];
  for (let j = 0; j < joints; j++) {
    u += uvd[from + 3 * j]!;
    v += uvd[from + 3 * j + 1]!;
    d += uvd[from + 3 * j + 2]!;
  }
  return { u: u / joints, v: v / joints, d: d / joints };
}

/**
 * The refined crop centres: per row of normalised predictions (crop sides around each frame's centre, cube sides in
 * depth), the predicted joints' centroid in image space, U + mean(n_u)·S, V + mean(n_v)·S, D + mean(n_d)·Bc (the
 * exact inverse normalisation of spec §1.5, which is linear, so the centroid of the mapped joints).
 */
export function refinedCentres(
  predicted: Float32Array,
  frames: readonly CropFrame[],
  outputs: number,
  cubeMm: number,
): Centre[] {
  return frames.map((frame, i) => {
    const n = uvdCentroid(predicted, i * outputs, outputs);
    return { u: frame.u + n.u * frame.side, v: frame.v + n.v * frame.side, d: frame.d + n.d * cubeMm };
  });
}

/**
 * Mean 3-D distance (mm) between each row's crop centre (geometry.centre) and the centroid of its labelled joints
 * (`truth`, normalised around that same centre), both taken to camera space with the row's intrinsics.
 */
export function meanCentreErrorMm(truth: Float32Array, geometry: CropGeometry, count: number): number {
  if (count === 0) return Number.NaN;
  const outputs = truth.length / count;
  const joints = outputs / 3;
  const origin = [0, 0, 0];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const centroid = [0, 0, 0];
    for (let j = 0; j < joints; j++) {
      toXyz(truth, i * outputs + 3 * j, geometry, i).forEach((value, k) => (centroid[k]! += value / joints));
    }
    const [x, y, z] = toXyz(origin, 0, geometry, i);
    total += Math.hypot(centroid[0]! - x, centroid[1]! - y, centroid[2]! - z);
  }
  return total / count;
}
