import type { Joint } from '@shared/domain';
import { gridToCrop } from '@shared/pose2d/targets';
import { boxAround, cropToImage, imageToCrop, type PersonCrop } from '../../datasets';
import type { HeatmapPrediction } from '../../learner';

/**
 * Crop ↔ image transforms of the RGB pipeline: labels go into the person crop as (row, col) crop pixels with a §3.5
 * visibility code; the model's crop (and heatmap-grid) positions and spreads come back as image pixels.
 */

type Box = readonly [number, number, number, number];

/** The joints that have a position (absent ones left out). */
export function presentJoints(joints: readonly Joint[]): { u: number; v: number }[] {
  return joints.flatMap((j) =>
    j.u === null || j.v === null || j.visibility === 'absent' ? [] : [{ u: j.u, v: j.v }],
  );
}

/** The box around a label's present joints (null without a label or with fewer than the box needs). */
export function labelBox(joints: readonly Joint[] | null): Box | null {
  return joints ? boxAround(presentJoints(joints)) : null;
}

/** §3.5 visibility code of a joint: −1 absent, 0 occluded, 1 visible. */
export function visibilityCode(joint: Joint): -1 | 0 | 1 {
  if (joint.u === null || joint.v === null || joint.visibility === 'absent') return -1;
  return joint.visibility === 'occluded' ? 0 : 1;
}

/** Labels in crop pixels: N×J×2 (row, col) and N×J visibility codes (absent joints stay at 0, 0). */
export function labelsInCrops(
  labels: readonly (readonly Joint[])[],
  crops: readonly PersonCrop[],
  size: number,
  jointCount: number,
): { joints: Float32Array; visibility: Int8Array } {
  const joints = new Float32Array(labels.length * jointCount * 2);
  const visibility = new Int8Array(labels.length * jointCount);
  labels.forEach((label, i) => {
    label.forEach((joint, j) => {
      const code = visibilityCode(joint);
      visibility[i * jointCount + j] = code;
      if (code < 0) return;
      const { row, col } = imageToCrop(crops[i]!, size, joint.u!, joint.v!);
      joints.set([row, col], (i * jointCount + j) * 2);
    });
  });
  return { joints, visibility };
}

/** The mean labelled position of every joint in crop pixels (N×J×2 → J×2), over the samples where it is present. */
export function meanPoseInCrop(
  train: { joints: Float32Array; visibility: Int8Array },
  jointCount: number,
): Float64Array {
  const sum = new Float64Array(jointCount * 2);
  const count = new Float64Array(jointCount);
  train.visibility.forEach((code, k) => {
    if (code < 0) return;
    const j = k % jointCount;
    sum[2 * j] = sum[2 * j]! + train.joints[2 * k]!;
    sum[2 * j + 1] = sum[2 * j + 1]! + train.joints[2 * k + 1]!;
    count[j] = count[j]! + 1;
  });
  return sum.map((s, c) => s / Math.max(1, count[Math.floor(c / 2)]!));
}

/** What the heatmap model says about one sample, in crop pixels (row, col per joint). */
export interface CropPrediction {
  /** J×2 (row, col) locations and their MC std. */
  location: ArrayLike<number>;
  locationStd: ArrayLike<number>;
  /** J aleatoric log-variances of the squared grid-px argmax error, or null without the head. */
  aleatoricLogVar: ArrayLike<number> | null;
}

/**
 * A prediction in image space, as stored: mean (u, v, 0), epistemic std (px) and aleatoric variance (px²) per joint.
 * The aleatoric head models the squared 2-D argmax error in grid px² (§5.2): half of it per axis.
 */
export function predictionInImage(
  prediction: CropPrediction,
  crop: PersonCrop,
  inputSize: number,
  gridSize: number,
): { mean: Float32Array; std: Float32Array; aleatoric: Float32Array | null } {
  const jointCount = prediction.location.length / 2;
  const pxPerCrop = crop.side / inputSize;
  const pxPerGrid = pxPerCrop * gridToCrop(1, inputSize, gridSize);
  const mean = new Float32Array(jointCount * 3);
  const std = new Float32Array(jointCount * 3);
  const aleatoric = prediction.aleatoricLogVar ? new Float32Array(jointCount * 3) : null;
  for (let j = 0; j < jointCount; j++) {
    const { u, v } = cropToImage(
      crop,
      inputSize,
      prediction.location[2 * j]!,
      prediction.location[2 * j + 1]!,
    );
    mean.set([u, v, 0], j * 3);
    std.set(
      [prediction.locationStd[2 * j + 1]! * pxPerCrop, prediction.locationStd[2 * j]! * pxPerCrop, 0],
      j * 3,
    );
    if (aleatoric) {
      const perAxis = (Math.exp(prediction.aleatoricLogVar![j]!) / 2) * pxPerGrid ** 2;
      aleatoric.set([perAxis, perAxis, 0], j * 3);
    }
  }
  return { mean, std, aleatoric };
}

/** Row `i` of a batch prediction in image space, on that sample's crop (see `predictionInImage`). */
export function sampleInImage(
  prediction: HeatmapPrediction,
  i: number,
  crop: PersonCrop,
): ReturnType<typeof predictionInImage> {
  const j = prediction.joints;
  const logVar = prediction.aleatoricLogVar;
  return predictionInImage(
    {
      location: prediction.location.subarray(i * j * 2, (i + 1) * j * 2),
      locationStd: prediction.locationStd.subarray(i * j * 2, (i + 1) * j * 2),
      aleatoricLogVar: logVar && logVar.subarray(i * j, (i + 1) * j),
    },
    crop,
    prediction.inputSize,
    prediction.gridSize,
  );
}
