import type { Joint } from '@shared/domain';
import { boxAroundJoints, type CocoKeypointsFile, type CocoLayout } from '../../formats/coco';
import { parseCocoResult, resultJoints } from '../../formats/coco-results';
import { matchPredictions } from '../../formats/instances';
import { LineProblem } from '../../formats/labels';
import type { ImportTally, LabelCandidate } from '../import-runner';

/** What a results file needs of the COCO keypoints file its image ids refer to. */
export interface ResultsTarget {
  file: string;
  coco: CocoKeypointsFile;
  categoryId: number;
  layout: CocoLayout;
  imagePathOf: (fileName: string) => string;
}

/**
 * The predictions of one COCO results file: each result is matched (formats/instances.ts matchPredictions) to the
 * labelled person of its image it lies on and becomes that sample's imported prediction; one that matches nobody
 * becomes an unlabelled pool sample `<image path>#result-<n>` (yielded here) with that prediction. `labelled` holds
 * the labelled people already imported, per image path. Bad results are errors naming `results[i]`.
 */
export function* resultsOf(
  file: string,
  results: readonly unknown[],
  target: ResultsTarget,
  labelled: ReadonlyMap<string, readonly { key: string; joints: Joint[] }[]>,
  tally: ImportTally,
): Generator<LabelCandidate> {
  const images = new Map(target.coco.images.map((image) => [image.id, image]));
  const byImage = new Map<
    string,
    { n: number; joints: Joint[]; scores: (number | null)[]; score: number | null }[]
  >();
  for (const [n, value] of results.entries()) {
    const where = `results[${n}]`;
    const result = parseCocoResult(value);
    if (result instanceof LineProblem) {
      tally.error({ file, reason: result.reason, message: `${where}: ${result.message}` });
      continue;
    }
    if (result.category_id !== target.categoryId) {
      tally.skip('other-category');
      continue;
    }
    const image = images.get(result.image_id);
    if (!image) {
      tally.error({
        file,
        reason: 'malformed-record',
        message: `${where}: image_id ${result.image_id} is not in ${target.file}'s images[]`,
      });
      continue;
    }
    const parsed = resultJoints(result.keypoints, target.layout);
    if (parsed instanceof LineProblem) {
      tally.error({ file, reason: parsed.reason, message: `${where}: ${parsed.message}` });
      continue;
    }
    const path = target.imagePathOf(image.file_name);
    byImage.set(path, [...(byImage.get(path) ?? []), { n, ...parsed, score: result.score ?? null }]);
  }
  for (const [imagePath, predicted] of byImage) {
    const people = labelled.get(imagePath) ?? [];
    const matches = matchPredictions(
      people.map((person) => person.joints),
      predicted.map((prediction) => prediction.joints),
    );
    for (const [p, { n, joints, scores, score }] of predicted.entries()) {
      const match = matches[p];
      let key = match === null || match === undefined ? null : people[match]!.key;
      if (key === null) {
        key = `${imagePath}#result-${n}`;
        const box = boxAroundJoints(joints);
        yield { key, imagePath, uvd: null, ...(box ? { box } : {}), file, where: `results[${n}]` };
      }
      tally.predictions.push({ key, joints, scores, score });
    }
  }
}
