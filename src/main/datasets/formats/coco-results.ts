import type { Joint } from '@shared/domain';
import { absentJoint } from '@shared/skeletons';
import { z } from 'zod';
import { type CocoLayout, imageJoint, parseRecord } from './coco';
import type { LineProblem } from './labels';
import { problem } from './labels';

/**
 * A COCO keypoint results file (formats.md §4.1 "Predictions"): a bare array of `{image_id, category_id,
 * keypoints: [x, y, s, …], score}` as detectors and `pycocotools`' `loadRes` use. Its `image_id`s refer to the
 * `images[]` of a COCO keypoints file beside it. `s` is each keypoint's confidence; a keypoint at (0, 0) with s 0 is
 * one the model left out.
 */
const CocoResult = z.object({
  image_id: z.number(),
  category_id: z.number(),
  keypoints: z.array(z.number()),
  score: z.number().optional(),
  bbox: z.tuple([z.number(), z.number(), z.number().nonnegative(), z.number().nonnegative()]).optional(),
});
export type CocoResult = z.infer<typeof CocoResult>;

/** An array whose entries look like results (image_id and keypoints): a results file, not some other JSON. */
export function isCocoResultsFile(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (entry) => typeof entry === 'object' && entry !== null && 'image_id' in entry && 'keypoints' in entry,
    )
  );
}

export function parseCocoResult(value: unknown): CocoResult | LineProblem {
  return parseRecord(CocoResult, value);
}

/** A result's keypoints as predicted joints (visible) in the layout's order, with their scores. */
export function resultJoints(
  keypoints: readonly number[],
  layout: CocoLayout,
): { joints: Joint[]; scores: (number | null)[] } | LineProblem {
  const count = layout.jointOf.length;
  if (keypoints.length !== 3 * count)
    return problem(
      'joint-count',
      `keypoints: ${keypoints.length} numbers, expected ${3 * count} (${count} × x, y, s)`,
    );
  const joints = Array.from({ length: layout.layout.joints.length }, absentJoint);
  const scores: (number | null)[] = joints.map(() => null);
  for (let k = 0; k < count; k++) {
    const [x, y, s] = keypoints.slice(3 * k, 3 * k + 3) as [number, number, number];
    if (![x, y, s].every(Number.isFinite))
      return problem('not-a-number', `keypoints[${3 * k}]: not a number`);
    if (x === 0 && y === 0 && s === 0) continue;
    joints[layout.jointOf[k]!] = imageJoint(x, y, 'visible');
    scores[layout.jointOf[k]!] = s;
  }
  return { joints, scores };
}
