import type { Joint, Visibility } from '@shared/domain';
import { COCO17, LSP14, MPII16, absentJoint, type SkeletonLayout } from '@shared/skeletons';
import { z } from 'zod';
import { boxAround } from '../preprocess/rgb-crop';
import type { PersonBox } from '../types';
import { LineProblem, problem } from './labels';

/**
 * COCO keypoints JSON (formats.md §4.1), plus the person-record helpers every RGB format shares: COCO is the RGB
 * interchange format, so its box convention ([x, y, w, h] px) and its three visibility states are ours. COCO
 * coordinates are already 0-based pixels: no shift.
 */

const CocoImage = z.object({
  id: z.number(),
  file_name: z.string().min(1),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

const CocoCategory = z.object({
  id: z.number(),
  name: z.string().optional(),
  keypoints: z.array(z.string()).optional(),
  /** Links as 1-based keypoint index pairs. */
  skeleton: z.array(z.tuple([z.number().int(), z.number().int()])).optional(),
});

/** The file as a whole; annotations are checked one by one so that a bad one costs only itself. */
const CocoKeypointsFile = z.object({
  images: z.array(CocoImage),
  annotations: z.array(z.unknown()),
  categories: z.array(CocoCategory),
});
export type CocoKeypointsFile = z.infer<typeof CocoKeypointsFile>;

const CocoAnnotation = z.object({
  id: z.number(),
  image_id: z.number(),
  category_id: z.number(),
  keypoints: z.array(z.number()).optional(),
  bbox: z.tuple([z.number(), z.number(), z.number().nonnegative(), z.number().nonnegative()]).optional(),
  iscrowd: z.union([z.literal(0), z.literal(1)]).optional(),
  /** Our extension: the synthetic pose family (PoseLoop's synthetic RGB writer), kept as a sample tag. */
  poseloop_family: z.string().optional(),
});
export type CocoAnnotation = z.infer<typeof CocoAnnotation>;

/** COCO v flag → visibility: 0 = not labelled, 1 = labelled but hidden, 2 = labelled and visible. */
const COCO_VISIBILITY: Readonly<Record<number, Visibility>> = { 0: 'absent', 1: 'occluded', 2: 'visible' };

/** The three arrays that make a JSON value a COCO file (any other JSON in a dataset folder is ignored). */
export function isCocoKeypointsFile(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['images', 'annotations', 'categories'].every((key) =>
      Array.isArray((value as Record<string, unknown>)[key]),
    )
  );
}

/** Validates the file's images and categories; throws an Error naming the first bad field. */
export function parseCocoKeypointsFile(value: unknown): CocoKeypointsFile {
  const parsed = parseRecord(CocoKeypointsFile, value);
  if (parsed instanceof LineProblem) throw new Error(parsed.message);
  return parsed;
}

export function parseCocoAnnotation(value: unknown): CocoAnnotation | LineProblem {
  return parseRecord(CocoAnnotation, value);
}

/** A category's keypoint names as a layout: the layout and, per keypoint, its joint index there. */
export interface CocoLayout {
  layout: SkeletonLayout;
  jointOf: number[];
}

/**
 * The built-in layout whose joints are exactly the category's keypoint names, in any order: COCO17 (COCO's own
 * `left_eye`… names or our `l_eye`…), MPII16 or LSP14 (PoseLoop's own RGB files). Null when none matches.
 */
export function cocoLayoutFor(names: readonly string[]): CocoLayout | null {
  const normalised = names.map(normaliseJointName);
  for (const layout of HUMAN_LAYOUTS) {
    const jointOf = normalised.map((name) => layout.joints.indexOf(name));
    if (
      names.length === layout.joints.length &&
      new Set(jointOf).size === names.length &&
      !jointOf.includes(-1)
    )
      return { layout, jointOf };
  }
  return null;
}

const HUMAN_LAYOUTS = [COCO17, MPII16, LSP14] as const;

/** COCO's `left_eye` and ours `l_eye` name the same joint. */
export function normaliseJointName(name: string): string {
  return name.replace(/^left_/, 'l_').replace(/^right_/, 'r_');
}

/**
 * The full joint list of the first built-in human layout holding every one of `names` (formats that list only the
 * keypoints actually placed, e.g. Label Studio); `names` unchanged when none does (cocoLayoutFor then says so).
 */
export function completeNames(names: readonly string[]): readonly string[] {
  const normalised = names.map(normaliseJointName);
  return (
    HUMAN_LAYOUTS.find((layout) => normalised.every((name) => layout.joints.includes(name)))?.joints ?? names
  );
}

/** Flat (x, y, v) keypoints → joints in the layout's order; a wrong length or flag is a problem naming the field. */
export function cocoKeypointsToJoints(
  keypoints: readonly number[],
  layout: CocoLayout,
): Joint[] | LineProblem {
  const count = layout.jointOf.length;
  if (keypoints.length !== 3 * count)
    return problem(
      'joint-count',
      `keypoints: ${keypoints.length} numbers, expected ${3 * count} (${count} × x, y, v)`,
    );
  const joints = Array.from({ length: count }, absentJoint);
  for (let k = 0; k < count; k++) {
    const flag = keypoints[3 * k + 2]!;
    const visibility = COCO_VISIBILITY[flag];
    if (visibility === undefined)
      return problem('malformed-record', `keypoints[${3 * k + 2}]: v is ${flag}, expected 0, 1 or 2`);
    if (visibility !== 'absent')
      joints[layout.jointOf[k]!] = imageJoint(keypoints[3 * k]!, keypoints[3 * k + 1]!, visibility);
  }
  return joints;
}

/** A labelled RGB joint (no depth). */
export function imageJoint(u: number, v: number, visibility: Exclude<Visibility, 'absent'>): Joint {
  return { u, v, d: null, visibility, state: 'accepted' };
}

/**
 * The box of the labelled joints (occluded ones too: they are where the body is), padded as the learner's crops
 * expect (preprocess/rgb-crop.ts); not clipped, since labels may lie past the image edge. Undefined when no joint
 * is labelled.
 */
export function boxAroundJoints(joints: readonly Joint[]): PersonBox | undefined {
  const placed = joints.flatMap(({ u, v, visibility }) =>
    visibility !== 'absent' && u !== null && v !== null ? [{ u, v }] : [],
  );
  return boxAround(placed) ?? undefined;
}

/** Schema-checks one JSON record; a failure becomes a problem naming the field, e.g. `joints[3][1]: …`. */
export function parseRecord<T>(schema: z.ZodType<T>, value: unknown): T | LineProblem {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '');
  return problem('malformed-record', `${field ? `${field}: ` : ''}${issue.message}`);
}
