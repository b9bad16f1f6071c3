import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { addSkip, predictedPoints } from './common';

/**
 * COCO keypoint results (formats.md §4.1 "Predictions"): `[{image_id, category_id, keypoints: [x, y, s, …], score}]`
 * for every selected sample with a stored prediction, as `pycocotools`' `loadRes` and COCO's keypoint evaluation
 * take them. `image_id` is the sample id, the same as in our COCO export (evaluate against it); `category_id` 1.
 * `s` is the joint's confidence 1 / (1 + σ) from its MC-dropout std σ (px), `score` their mean.
 */
export function planCocoResults(samples: readonly ExportSample[], _context: ExportContext): ExportPlan {
  const skipped: Record<string, number> = {};
  const results: unknown[] = [];
  for (const sample of samples) {
    const points = predictedPoints(sample);
    if (!points) {
      addSkip(skipped, 'no-prediction');
      continue;
    }
    results.push({
      image_id: sample.sampleId,
      category_id: 1,
      keypoints: points.flatMap(({ u, v, confidence }) => [u, v, confidence]),
      score: points.reduce((sum, point) => sum + point.confidence, 0) / points.length,
      poseloop: { predictionId: sample.prediction!.id, checkpointId: sample.prediction!.checkpointId },
    });
  }
  return {
    kind: 'file',
    files: [{ path: '', text: JSON.stringify(results) }],
    images: [],
    samples: results.length,
    skipped,
    notes: ['per-joint s = 1 / (1 + σ px), σ the RMS of the u and v MC-dropout std; score = mean s'],
  };
}
