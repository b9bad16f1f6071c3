import { Intrinsics, Visibility } from '@shared/domain';
import { z } from 'zod';
import { type LineProblem, problem } from './labels';

/** File names the generic importer looks for at the dataset root. */
export const GENERIC_MANIFEST_NAMES = ['poseloop-dataset.json', 'poseloop-synth.json'] as const;

const Uvd = z.array(z.number().nullable()).nullable();

const ManifestFrame = z.object({
  /** Depth PNG relative to the dataset root. */
  image: z.string().min(1),
  /** Flat (u, v, d) per joint in skeleton order; null entries = absent joint; null = unlabelled frame. */
  uvd: Uvd.default(null),
  split: z.enum(['train', 'test']).optional(),
  /** Synthetic pose family; any other string tags are kept too. */
  family: z.string().optional(),
  /** Camera-frame joints in mm (informative; uvd is what is imported). */
  xyz: z.array(z.number()).optional(),
  /** Per-joint visibility (absent / occluded / visible); default: visible where uvd is present. */
  visibility: z.array(Visibility).nullable().optional(),
});

/**
 * A generic depth dataset: declared intrinsics and skeleton, and labels either inline (`frames`) or in a CSV with
 * header `image[,split],u0,v0,d0,…` (empty cells = absent joint; no quoting, so paths must not contain commas).
 * PoseLoop's synthetic writer emits this with format 'poseloop-synth'.
 */
export const GenericManifest = z
  .object({
    format: z.enum(['poseloop-dataset', 'poseloop-synth']),
    version: z.literal(1),
    name: z.string().optional(),
    skeleton: z.string().min(1),
    intrinsics: Intrinsics,
    cubeMm: z.number().positive().default(300),
    frames: z.array(ManifestFrame).optional(),
    csv: z.string().optional(),
  })
  .refine((manifest) => (manifest.frames === undefined) !== (manifest.csv === undefined), {
    message: 'give exactly one of "frames" or "csv"',
  });
export type GenericManifest = z.infer<typeof GenericManifest>;
export type GenericManifestFrame = z.infer<typeof ManifestFrame>;

export function parseGenericManifest(text: string): GenericManifest {
  return GenericManifest.parse(JSON.parse(text));
}

/** Manifest `uvd` (null entries for absent joints) → flat Float64Array with NaN for absent. */
export function manifestUvd(uvd: readonly (number | null)[]): Float64Array {
  return Float64Array.from(uvd, (value) => value ?? Number.NaN);
}

export interface CsvColumns {
  split: number | null;
  firstCoordinate: number;
}

/** Reads the CSV header; returns the column layout or a problem. */
export function parseGenericCsvHeader(line: string, jointCount: number): CsvColumns | LineProblem {
  const names = line
    .trim()
    .split(',')
    .map((name) => name.trim());
  if (names[0] !== 'image') return problem('malformed-line', 'the CSV header must start with "image"');
  const split = names[1] === 'split' ? 1 : null;
  const firstCoordinate = split === null ? 1 : 2;
  if (names.length - firstCoordinate !== 3 * jointCount) {
    return problem(
      'joint-count',
      `header has ${names.length - firstCoordinate} coordinate columns, expected ${3 * jointCount}`,
    );
  }
  return { split, firstCoordinate };
}

export interface CsvLabel {
  imagePath: string;
  split?: 'train' | 'test';
  uvd: Float64Array;
}

export function parseGenericCsvLine(
  line: string,
  columns: CsvColumns,
  jointCount: number,
): CsvLabel | LineProblem {
  const cells = line
    .trim()
    .split(',')
    .map((cell) => cell.trim());
  const imagePath = cells[0] ?? '';
  if (imagePath === '') return problem('malformed-line', 'empty image cell');
  if (cells.length !== columns.firstCoordinate + 3 * jointCount) {
    return problem(
      'joint-count',
      `expected ${columns.firstCoordinate + 3 * jointCount} cells, found ${cells.length}`,
    );
  }
  const uvd = new Float64Array(3 * jointCount);
  for (let i = 0; i < uvd.length; i++) {
    const cell = cells[columns.firstCoordinate + i]!;
    const value = cell === '' ? Number.NaN : Number(cell);
    if (cell !== '' && !Number.isFinite(value))
      return problem('not-a-number', `cell ${columns.firstCoordinate + i + 1} is "${cell}"`);
    uvd[i] = value;
  }
  const splitCell = columns.split === null ? undefined : cells[columns.split];
  if (splitCell !== undefined && splitCell !== '' && splitCell !== 'train' && splitCell !== 'test') {
    return problem('malformed-line', `split "${splitCell}" is neither train nor test`);
  }
  return splitCell === 'train' || splitCell === 'test'
    ? { imagePath, split: splitCell, uvd }
    : { imagePath, uvd };
}
