import { COCO17 } from '@shared/skeletons';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ImportIssue } from '../types';
import { parseRecord } from './coco';
import { type ForeignInstance, type ForeignPoint } from './instances';
import { LineProblem, tokens } from './labels';

/**
 * Ultralytics YOLO-pose: `data.yaml` (`path`, `train` / `val` / `test` image folders, `kpt_shape: [K, 2 | 3]`,
 * `flip_idx`, class `names`, and in recent releases `kpt_names`) and, per image `images/<split>/a.jpg`, a text file
 * `labels/<split>/a.txt` with one line per person: `class cx cy w h` then K × `x y [v]`, all normalised to the
 * image size. v follows COCO: 0 not labelled, 1 labelled but hidden, 2 visible; without v a point at (0, 0) is not
 * labelled.
 */
const DataYaml = z.object({
  path: z.string().optional(),
  train: z.union([z.string(), z.array(z.string())]).optional(),
  val: z.union([z.string(), z.array(z.string())]).optional(),
  test: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .nullable(),
  kpt_shape: z.tuple([z.number().int().positive(), z.union([z.literal(2), z.literal(3)])]),
  flip_idx: z.array(z.number().int()).optional(),
  kpt_names: z.record(z.string(), z.array(z.string())).optional(),
});

export interface YoloData {
  /** Image folders (relative to `path`) with the split their role implies. */
  folders: { folder: string; split: 'train' | 'test' }[];
  path: string;
  keypoints: number;
  dims: 2 | 3;
  names: string[];
}

export function parseYoloData(text: string, file: string): YoloData {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const data = parseRecord(DataYaml, raw);
  if (data instanceof LineProblem) throw new Error(`${file}: ${data.message}`);
  const [keypoints, dims] = data.kpt_shape;
  const names = data.kpt_names?.['0'] ?? (keypoints === COCO17.joints.length ? [...COCO17.joints] : null);
  if (!names || names.length !== keypoints)
    throw new Error(
      `${file}: kpt_names must list ${keypoints} keypoint names for class 0 (only 17-keypoint files default to COCO's)`,
    );
  const list = (value: string | string[] | null | undefined) =>
    value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const folders = [
    ...list(data.train).map((folder) => ({ folder, split: 'train' as const })),
    ...[...list(data.val), ...list(data.test)].map((folder) => ({ folder, split: 'test' as const })),
  ];
  return { folders, path: data.path ?? '.', keypoints, dims, names };
}

/** `images/<split>/a.jpg` → `labels/<split>/a.txt` (Ultralytics replaces the last `images` segment). */
export function yoloLabelPath(image: string): string {
  const segments = image.split('/');
  const at = segments.lastIndexOf('images');
  if (at >= 0) segments[at] = 'labels';
  return segments.join('/').replace(/\.[^./]+$/, '.txt');
}

/** One label file's persons, in pixels of a `width`×`height` image (every line: pose datasets have one class). */
export function parseYoloLabels(
  text: string,
  context: { file: string; image: string; width: number; height: number; data: YoloData },
): { instances: ForeignInstance[]; issues: ImportIssue[] } {
  const { file, image, width, height, data } = context;
  const instances: ForeignInstance[] = [];
  const issues: ImportIssue[] = [];
  const expected = 5 + data.keypoints * data.dims;
  text.split('\n').forEach((row, index) => {
    const fields = tokens(row);
    if (fields.length === 0) return;
    const line = index + 1;
    const values = fields.map(Number);
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (fields.length !== expected || bad >= 0) {
      issues.push({
        file,
        line,
        reason: bad >= 0 ? 'not-a-number' : 'joint-count',
        message:
          bad >= 0
            ? `field ${bad + 1} is "${fields[bad]}", not a number`
            : `${fields.length} numbers, expected ${expected} (class, box, ${data.keypoints} × ${data.dims})`,
      });
      return;
    }
    const [, cx, cy, w, h] = values as [number, number, number, number, number];
    const points: (ForeignPoint | null)[] = [];
    for (let k = 0; k < data.keypoints; k++) {
      const [x, y, v] = values.slice(5 + k * data.dims, 5 + (k + 1) * data.dims) as [number, number, number?];
      const labelled = data.dims === 3 ? v! > 0 : x !== 0 || y !== 0;
      points.push(
        labelled ? { x: x * width, y: y * height, visibility: v === 1 ? 'occluded' : 'visible' } : null,
      );
    }
    instances.push({
      image,
      points,
      box: [(cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height],
      size: { width, height },
      file,
      line,
    });
  });
  return { instances, issues };
}
