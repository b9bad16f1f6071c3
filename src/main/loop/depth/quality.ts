import type { ValidationReport } from '@shared/contract';
import { toXyz, type CropGeometry, type DepthLearner } from '../../learner';
import { ringSigmas } from '../common/prediction-view';
import { validationReport, type JointMeasures } from '../common/suggestion-quality';
import { stdToImageSpace, varianceToImageSpace } from './geometry';

/** Normalised MC statistics of some crops (rows of u, v, d per joint), as the learner returns them. */
export interface DepthMcStats {
  mean: Float32Array;
  std: Float32Array;
  /** Aleatoric variance (normalised units²); null for a plain model. */
  aleatoric: Float32Array | null;
}

/**
 * Per-joint measures of `count` normalised predictions against their targets: image-plane error in px (normalised
 * u, v × the crop side), 3-D error in mm through the exact inverse, and the σ of the rings the annotate view draws
 * for the stored prediction (px).
 */
export function depthJointMeasures(
  prediction: DepthMcStats,
  truth: Float32Array,
  geometry: CropGeometry,
  count: number,
): JointMeasures {
  const outputs = prediction.mean.length / count;
  const joints = outputs / 3;
  const { mean, std, aleatoric } = prediction;
  const errorPx = new Float64Array(count * joints);
  const errorMm = new Float64Array(count * joints);
  const sigmaPx = new Float64Array(count * joints);
  const aleatoricPx = aleatoric ? new Float64Array(count * joints) : null;
  for (let i = 0; i < count; i++) {
    const [side, cube] = [geometry.cropSize[i]!, geometry.cube[i]!];
    const stored = {
      std: stdToImageSpace(std, i, outputs, side, cube),
      aleatoric: aleatoric && varianceToImageSpace(aleatoric, i, outputs, side, cube),
    };
    for (let j = 0; j < joints; j++) {
      const k = i * joints + j;
      const at = k * 3;
      errorPx[k] = Math.hypot(mean[at]! - truth[at]!, mean[at + 1]! - truth[at + 1]!) * side;
      const [px, py, pz] = toXyz(mean, at, geometry, i);
      const [tx, ty, tz] = toXyz(truth, at, geometry, i);
      errorMm[k] = Math.hypot(px - tx, py - ty, pz - tz);
      const sigmas = ringSigmas(stored, j);
      sigmaPx[k] = sigmas.stdPx;
      if (aleatoricPx) aleatoricPx[k] = sigmas.aleatoricPx!;
    }
  }
  return { samples: count, errorPx, errorMm, sigmaPx, aleatoricPx };
}

/**
 * MC-dropout predictions of the validation crops with the trained checkpoint (the checkpoint's own pass count, as
 * the pool is scored), reduced to the suggestion-quality and calibration report; null without validation crops.
 */
export async function validateDepth(
  learner: DepthLearner,
  checkpointPath: string,
  val: { x: Float32Array; y: Float32Array; geometry: CropGeometry; count: number } | null,
  dims: { height: number; width: number },
  options: { passes: number; seed: number; signal: AbortSignal },
): Promise<ValidationReport | null> {
  if (!val || val.count === 0) return null;
  const prediction = await learner.predictMc({
    checkpointPath,
    images: { x: val.x, count: val.count, ...dims },
    ...options,
  });
  return validationReport(depthJointMeasures(prediction, val.y, val.geometry, val.count));
}
