import type { CropGeometry } from '../../learner';
import { meanJointErrorMm, toXyz } from '../../learner';

/** Per-coordinate mean of the training targets: the "predict the mean pose" baseline every learner must beat. */
export function meanPoseBaseline(y: Float32Array, count: number): Float32Array {
  const outputs = y.length / count;
  const mean = new Float64Array(outputs);
  for (let i = 0; i < count; i++) for (let c = 0; c < outputs; c++) mean[c] = mean[c]! + y[i * outputs + c]!;
  return Float32Array.from(mean, (sum) => sum / count);
}

/** Per-joint mean 3-D error (mm) over frames, and each frame's worst joint error. */
export function jointErrors(
  predicted: Float32Array,
  truth: Float32Array,
  geometry: CropGeometry,
  count: number,
  joints: number,
): { perJoint: number[]; worstPerFrame: number[] } {
  const perJoint = new Float64Array(joints);
  const worstPerFrame: number[] = [];
  for (let i = 0; i < count; i++) {
    let worst = 0;
    for (let j = 0; j < joints; j++) {
      const at = (i * joints + j) * 3;
      const [px, py, pz] = toXyz(predicted, at, geometry, i);
      const [tx, ty, tz] = toXyz(truth, at, geometry, i);
      const error = Math.hypot(px - tx, py - ty, pz - tz);
      perJoint[j] = perJoint[j]! + error / count;
      worst = Math.max(worst, error);
    }
    worstPerFrame.push(worst);
  }
  return { perJoint: Array.from(perJoint), worstPerFrame };
}

/** The depth model's test-split report: errors in mm, against the mean-pose baseline. */
export interface DepthEvaluation {
  testErrorMm: number;
  meanPoseErrorMm: number;
  framesWithin20Mm: number;
  framesWithin40Mm: number;
  perJointErrorMm: number[];
}

/**
 * Evaluates normalised predictions of `count` test crops against their targets, through the exact inverse
 * normalisation (mm): the mean joint error, the error of always predicting `meanPose`, the fractions of frames whose
 * worst joint is within 20 / 40 mm, and the per-joint errors.
 */
export function evaluateDepth(
  predicted: Float32Array,
  truth: Float32Array,
  geometry: CropGeometry,
  count: number,
  meanPose: Float32Array,
): DepthEvaluation {
  const outputs = meanPose.length;
  const repeated = new Float32Array(count * outputs);
  for (let i = 0; i < count; i++) repeated.set(meanPose, i * outputs);
  const errors = jointErrors(predicted, truth, geometry, count, outputs / 3);
  return {
    testErrorMm: meanJointErrorMm(predicted, truth, geometry, count),
    meanPoseErrorMm: meanJointErrorMm(repeated, truth, geometry, count),
    framesWithin20Mm: errors.worstPerFrame.filter((e) => e <= 20).length / count,
    framesWithin40Mm: errors.worstPerFrame.filter((e) => e <= 40).length / count,
    perJointErrorMm: errors.perJoint,
  };
}
