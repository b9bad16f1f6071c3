import type { CropCentring, PredictResult } from '../../learner';
import { refinedCentres } from './centring';
import { readCropsAt, type CropBatch, type ProjectCrops } from './crops';

/** Passes of the first stage: its mean only places the second crop, so a few MC passes do. */
export const FIRST_STAGE_PASSES = 5;

export interface CentredPrediction {
  /** The crops the final prediction was made on (re-centred with refinement) and that prediction. */
  batch: CropBatch;
  result: PredictResult;
  /** The first stage, on the detector's crops (the same as the final one without refinement). */
  first: { batch: CropBatch; result: PredictResult };
}

/**
 * Predicts the way a model's training crops were centred. `detector`: once, on `batch` (the detector's crops).
 * `refined` (DeepPrior++'s refined centre): a first prediction on `batch`, then the crops cut again around each
 * first prediction's joint centroid and predicted again. `run(batch, first)` makes one MC prediction.
 */
export async function predictCentred(
  crops: ProjectCrops,
  batch: CropBatch,
  centring: CropCentring,
  run: (batch: CropBatch, first: boolean) => Promise<PredictResult>,
): Promise<CentredPrediction> {
  const firstResult = await run(batch, centring === 'refined');
  const first = { batch, result: firstResult };
  if (centring === 'detector' || batch.sampleIds.length === 0) return { ...first, first };
  const outputs = firstResult.mean.length / batch.sampleIds.length;
  const centres = refinedCentres(firstResult.mean, batch.frames, outputs, crops.cubeMm);
  const refined = await readCropsAt(crops, batch, centres);
  return { batch: refined, result: await run(refined, false), first };
}
