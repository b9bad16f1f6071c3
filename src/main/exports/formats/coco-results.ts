import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { addSkip, meanConfidence, predictedPoints } from './common';

/**
 * COCO keypoint results (formats.md §4.1 "Predictions"): `[{image_id, category_id, keypoints: [x, y, s, …], score}]`
 * for every selected sample with a stored prediction, as `pycocotools`' `loadRes` and COCO's keypoint evaluation
 * take them. `image_id` is the sample id, the same as in our COCO export (evaluate against it); `category_id` 1.
 * `s` is the joint's confidence: 1 / (1 + σ) from its MC-dropout std σ (px), or a pretrained detector's own score;
 * `score` is their mean over the joints the model placed.
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
      // A joint the model left out: (0, 0) with confidence 0, as COCO tools read it.
      keypoints: points.flatMap((point) => (point ? [point.u, point.v, point.confidence] : [0, 0, 0])),
      score: meanConfidence(points),
      poseloop: { predictionId: sample.prediction!.id, checkpointId: sample.prediction!.checkpointId },
    });
  }
  return {
    kind: 'file',
    files: [{ path: '', text: JSON.stringify(results) }],
    images: [],
    samples: results.length,
    skipped,
    notes: [
      'per-joint s = 1 / (1 + σ px), σ the RMS of the u and v MC-dropout std (a pretrained detector: its score); score = mean s',
    ],
  };
}
