import type { ValidationReport } from '@shared/contract';
import type { Joint } from '@shared/domain';
import type { PersonCrop } from '../../datasets';
import type { HeatmapLearner, HeatmapPrediction } from '../../learner';
import { ringSigmas } from '../common/prediction-view';
import { validationReport, type JointMeasures } from '../common/suggestion-quality';
import type { PersonCrops } from './crops';
import { sampleInImage, visibilityCode } from './geometry';

/**
 * Per-joint measures of a batch prediction against the labels, in image px, over the joints the label places
 * (absent ones left out): the distance of the suggestion and the σ of the rings the annotate view draws for it.
 */
export function heatmapJointMeasures(
  prediction: HeatmapPrediction,
  labels: readonly (readonly Joint[])[],
  crops: readonly PersonCrop[],
): JointMeasures {
  const errorPx: number[] = [];
  const sigmaPx: number[] = [];
  const aleatoricPx: number[] = [];
  labels.forEach((label, i) => {
    const inImage = sampleInImage(prediction, i, crops[i]!);
    label.forEach((joint, j) => {
      if (visibilityCode(joint) < 0) return;
      const at = j * 3;
      errorPx.push(Math.hypot(inImage.mean[at]! - joint.u!, inImage.mean[at + 1]! - joint.v!));
      const sigmas = ringSigmas(inImage, j);
      sigmaPx.push(sigmas.stdPx);
      if (sigmas.aleatoricPx !== null) aleatoricPx.push(sigmas.aleatoricPx);
    });
  });
  return {
    samples: labels.length,
    errorPx,
    errorMm: null,
    sigmaPx,
    aleatoricPx: prediction.aleatoricLogVar ? aleatoricPx : null,
  };
}

/**
 * MC-dropout predictions of the validation crops with the trained checkpoint (its own pass count, as the pool is
 * scored), reduced to the suggestion-quality and calibration report; null without validation crops.
 */
export async function validateHeatmaps(
  learner: HeatmapLearner,
  checkpointPath: string,
  val: PersonCrops | null,
  labels: readonly (readonly Joint[])[],
  options: { passes: number; seed: number; signal: AbortSignal },
): Promise<ValidationReport | null> {
  if (!val || val.sampleIds.length === 0) return null;
  const prediction = await learner.predictMc({
    checkpointPath,
    images: { x: val.x, count: val.sampleIds.length, size: val.size },
    ...options,
  });
  return validationReport(heatmapJointMeasures(prediction, labels, val.crops));
}
