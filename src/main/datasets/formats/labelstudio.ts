import { z } from 'zod';
import type { ImportIssue, PersonBox } from '../types';
import { completeNames, normaliseJointName, parseRecord } from './coco';
import type { ForeignInstance, ForeignPoint } from './instances';
import { LineProblem } from './labels';

/**
 * Label Studio JSON export (formats.md §4.4): an array of tasks `{data: {image}, annotations: [{result}],
 * predictions: [{model_version, score, result}]}`. Keypoints are `keypointlabels` results with x, y in percent of
 * `original_width` / `original_height`; a keypoint's `parentID` names the `rectanglelabels` region (the person box)
 * it belongs to. Keypoints without a parent are grouped by order: a name seen again starts the next person. Label
 * Studio has no visibility: a missing keypoint is not labelled, a present one visible, unless our own extension
 * `value.poseloop_visibility: "occluded"` (written by PoseLoop) says otherwise. `predictions` are another model's:
 * their persons are predicted instances, with the prediction's `score` and each region's own `score`.
 */
const Result = z.object({
  id: z.string().optional(),
  parentID: z.string().optional(),
  type: z.string(),
  original_width: z.number().positive().optional(),
  original_height: z.number().positive().optional(),
  /** A predicted region's own confidence. */
  score: z.number().optional(),
  value: z.record(z.string(), z.unknown()),
});
type Result = z.infer<typeof Result>;

const Task = z.object({
  data: z.object({ image: z.string().min(1) }).passthrough(),
  annotations: z
    .array(z.object({ result: z.array(Result), was_cancelled: z.boolean().optional() }))
    .optional(),
  predictions: z.array(z.object({ result: z.array(Result), score: z.number().optional() })).optional(),
});

/** Our extension key, written by exports/formats/labelstudio.ts. */
const LABEL_STUDIO_OCCLUDED = 'poseloop_visibility';

export interface LabelStudioFile {
  names: readonly string[];
  instances: ForeignInstance[];
  issues: ImportIssue[];
}

export function parseLabelStudio(value: unknown, file: string): LabelStudioFile {
  if (!Array.isArray(value)) throw new Error(`${file}: expected an array of Label Studio tasks`);
  const tasks = value.map((task: unknown, t) => ({ t, task: parseRecord(Task, task) }));
  const found = new Set<string>();
  for (const { task } of tasks) {
    if (task instanceof LineProblem) continue;
    for (const group of [...(task.annotations ?? []), ...(task.predictions ?? [])])
      for (const result of group.result) for (const name of keypointNames(result)) found.add(name);
  }
  const names = completeNames([...found]);
  const index = new Map(names.map((name, k) => [normaliseJointName(name), k]));
  const instances: ForeignInstance[] = [];
  const issues: ImportIssue[] = [];
  for (const { t, task } of tasks) {
    const where = `[${t}]`;
    if (task instanceof LineProblem) {
      issues.push({ file, reason: task.reason, message: `${where}: ${task.message}` });
      continue;
    }
    const image = imagePath(task.data.image);
    const groups = [
      ...(task.annotations ?? [])
        .filter((a) => !a.was_cancelled)
        .slice(0, 1)
        .map((a) => ({ a, predicted: false, score: undefined })),
      ...(task.predictions ?? []).map((a) => ({ a, predicted: true, score: a.score })),
    ];
    let persons = 0;
    for (const { a, predicted, score } of groups) {
      for (const person of people(a.result, index)) {
        persons++;
        instances.push({
          image,
          ...person,
          file,
          where,
          ...(predicted ? { predicted } : {}),
          ...(score === undefined ? {} : { score }),
        });
      }
    }
    if (persons === 0) instances.push({ image, points: names.map(() => null), file, where });
  }
  return { names, instances, issues };
}

function keypointNames(result: Result): string[] {
  const labels = result.type === 'keypointlabels' ? result.value.keypointlabels : undefined;
  return Array.isArray(labels) ? labels.map(String) : [];
}

/** Groups one annotation's results into persons (by parent box, else by order). */
function people(
  results: readonly Result[],
  index: ReadonlyMap<string, number>,
): Omit<ForeignInstance, 'image' | 'file'>[] {
  const persons: {
    box?: PersonBox;
    size?: { width: number; height: number };
    points: (ForeignPoint | null)[];
  }[] = [];
  const byBox = new Map<string, (typeof persons)[number]>();
  const fresh = () => ({ points: Array.from({ length: index.size }, () => null) });
  for (const result of results) {
    if (result.type !== 'rectanglelabels') continue;
    const box = placed(result, (w, h, v) => boxOf(v, w, h));
    const size = { width: result.original_width!, height: result.original_height! };
    const person = { ...fresh(), ...(box ? { box, size } : {}) };
    persons.push(person);
    if (result.id) byBox.set(result.id, person);
  }
  let loose: (typeof persons)[number] | null = null;
  for (const result of results) {
    const [name] = keypointNames(result);
    const k = name === undefined ? undefined : index.get(normaliseJointName(name));
    const point = k === undefined ? null : scoredPoint(result);
    if (k === undefined || !point) continue;
    let person = result.parentID ? byBox.get(result.parentID) : undefined;
    if (!person) {
      if (!loose || loose.points[k]) persons.push((loose = fresh()));
      person = loose;
    }
    person.points[k] = point;
    person.size ??= { width: result.original_width!, height: result.original_height! };
  }
  return persons;
}

/** Runs `read` with the result's original size; null when the size or the percentages are missing. */
function placed<T>(
  result: Result,
  read: (width: number, height: number, value: Record<string, unknown>) => T | null,
) {
  const { original_width: width, original_height: height } = result;
  if (!width || !height) return null;
  return read(width, height, result.value);
}

function pointOf(value: Record<string, unknown>, width: number, height: number): ForeignPoint | null {
  const { x, y } = value;
  if (typeof x !== 'number' || typeof y !== 'number') return null;
  const occluded = value[LABEL_STUDIO_OCCLUDED] === 'occluded';
  return { x: (x / 100) * width, y: (y / 100) * height, visibility: occluded ? 'occluded' : 'visible' };
}

/** A keypoint result's point, with the region's score when a prediction gives one. */
function scoredPoint(result: Result): ForeignPoint | null {
  const point = placed(result, (w, h, v) => pointOf(v, w, h));
  return point && result.score !== undefined ? { ...point, score: result.score } : point;
}

function boxOf(value: Record<string, unknown>, width: number, height: number): PersonBox | null {
  const { x, y, width: w, height: h } = value;
  if ([x, y, w, h].some((n) => typeof n !== 'number')) return null;
  const [px, py, pw, ph] = [x, y, w, h] as number[];
  return [(px! / 100) * width, (py! / 100) * height, (pw! / 100) * width, (ph! / 100) * height];
}

/**
 * The image path inside the import root: local-files storage `/data/local-files/?d=<path>` gives the path, an
 * upload `/data/upload/<project>/<8 hex>-<name>` or a URL gives the file name.
 */
export function imagePath(url: string): string {
  const local = /[?&]d=([^&]+)/.exec(url);
  if (local) return decodeURIComponent(local[1]!).replace(/^\/+/, '');
  const name = decodeURIComponent(url.split(/[?#]/)[0]!.split('/').pop() ?? url);
  return url.includes('/data/upload/') ? name.replace(/^[0-9a-f]{8}-/, '') : name;
}
