/**
 * Loads the input of `poseloop sample` from disk: a JSON file or a folder of .npy files. Shapes are checked here so
 * errors can name the file; values (NaN, negative std, …) are checked by runSampler.
 *
 * JSON file — rows are samples, columns are normalised coordinates (C = length of the first candidate row):
 *   {
 *     "candidates": {
 *       "mean": [[...C]],               required
 *       "std": [[...C]],                epistemic std (uncertainty, cke, cke-alg1)
 *       "aleatoric": [[...C]],          aleatoric variance σ², linear units (aleatoric)
 *       "linkOffsetMean": [[...L·D]],   VL4Pose per-link offset means, link-major (or [[[...D] × L]])
 *       "linkOffsetLogVar": [[...L·D]]  VL4Pose per-link offset log-variances, same layout
 *     },
 *     "labelled": { "mean": [[...C]], "std": [[...C]] },   optional; absent = nothing labelled yet
 *     "jointCount": 21,                 optional; defaults to parents.length, else C / 3
 *     "parents": [-1, 0, 1, ...]        VL4Pose: parent of every joint, −1 for the root
 *   }
 *
 * Folder of .npy files (little-endian float32/float64, C order) named <set>_<field>.npy:
 *   candidates_mean.npy (n×C, required), candidates_std.npy (n×C), candidates_aleatoric.npy (n×C),
 *   candidates_link_offset_mean.npy and candidates_link_offset_logvar.npy (n×L×D or n×(L·D)),
 *   labelled_mean.npy (m×C), labelled_std.npy (m×C), parents.npy (J, int or float).
 * Unknown candidates_* / labelled_* files are rejected so a misspelt name cannot be silently ignored.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '@shared/errors';
import type { CandidateSet, SamplerInput } from '../types';
import { parseNpy } from './npy';

type SetName = 'candidates' | 'labelled';
type FieldName = keyof CandidateSet;

/** File-name stem of every field in the .npy layout. */
const NPY_FIELDS: Record<SetName, Partial<Record<FieldName, string>>> = {
  candidates: {
    mean: 'mean',
    std: 'std',
    aleatoric: 'aleatoric',
    linkOffsetMean: 'link_offset_mean',
    linkOffsetLogVar: 'link_offset_logvar',
  },
  labelled: { mean: 'mean', std: 'std' },
};
/** Fields with one value per coordinate (n×C); the link fields are n×(anything) and checked by runSampler. */
const PER_COORDINATE: ReadonlySet<FieldName> = new Set(['mean', 'std', 'aleatoric']);

function invalid(file: string, message: string): AppError {
  return new AppError('invalid_input', `${file}: ${message}`, file);
}

/** A loaded matrix before it is placed in a set: row count and row-major values. */
interface Matrix {
  rows: number;
  columns: number;
  values: Float32Array;
}

/** Row-count and column checks shared by both formats; `dims` is C (from candidates.mean). */
function placeField(
  file: string,
  path: string,
  field: FieldName,
  matrix: Matrix,
  rows: number,
  dims: number,
): void {
  if (matrix.rows !== rows)
    throw invalid(file, `${path}: ${matrix.rows} rows, but the set's mean has ${rows}`);
  if (PER_COORDINATE.has(field) && matrix.columns !== dims)
    throw invalid(
      file,
      `${path}: ${matrix.columns} columns, expected ${dims} (the columns of candidates.mean)`,
    );
}

export async function loadSamplerInput(path: string): Promise<SamplerInput> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch {
    throw invalid(path, 'no such file or folder');
  }
  return isFolder ? loadNpyFolder(path) : loadJsonFile(path);
}

// ---------------------------------------------------------------------------------------------------------------- JSON

/** Rows of numbers → Matrix; nested [[[...D] × L]] rows are flattened link-major. */
function jsonMatrix(file: string, path: string, value: unknown): Matrix {
  if (!Array.isArray(value)) throw invalid(file, `${path}: expected an array of rows`);
  const rows = value.map((row: unknown, r) => {
    const flat = Array.isArray(row) ? row.flat() : null;
    if (flat === null) throw invalid(file, `${path}: row ${r} is not an array`);
    const bad = flat.findIndex((x) => typeof x !== 'number');
    if (bad >= 0)
      throw invalid(file, `${path}: row ${r}, column ${bad} is not a number (${JSON.stringify(flat[bad])})`);
    return flat as number[];
  });
  const columns = rows[0]?.length ?? 0;
  const ragged = rows.findIndex((row) => row.length !== columns);
  if (ragged >= 0)
    throw invalid(file, `${path}: row ${ragged} has ${rows[ragged]!.length} values, expected ${columns}`);
  return { rows: rows.length, columns, values: Float32Array.from(rows.flat()) };
}

/** One set from JSON; `dims` is C when known (labelled), null for candidates, whose mean defines it. */
function jsonSet(
  file: string,
  name: SetName,
  value: unknown,
  dims: number | null,
): { set: CandidateSet; dims: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(file, `${name}: expected an object with "mean" (and optional fields)`);
  const fields = value as Record<string, unknown>;
  const known = Object.keys(NPY_FIELDS[name]) as FieldName[];
  const unknown = Object.keys(fields).find((key) => !(known as string[]).includes(key));
  if (unknown !== undefined)
    throw invalid(file, `${name}: unknown field "${unknown}" (known: ${known.join(', ')})`);
  if (fields.mean === undefined) throw invalid(file, `${name}.mean: missing`);
  const mean = jsonMatrix(file, `${name}.mean`, fields.mean);
  const columns = dims ?? mean.columns;
  if (mean.rows > 0) placeField(file, `${name}.mean`, 'mean', mean, mean.rows, columns);
  const set: CandidateSet = { mean: mean.values };
  for (const field of known) {
    if (field === 'mean' || fields[field] === undefined) continue;
    const matrix = jsonMatrix(file, `${name}.${field}`, fields[field]);
    placeField(file, `${name}.${field}`, field, matrix, mean.rows, columns);
    set[field] = matrix.values;
  }
  return { set, dims: columns };
}

function jsonParents(file: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'number'))
    throw invalid(file, 'parents: expected an array of joint indices (−1 for the root)');
  return value as number[];
}

async function loadJsonFile(file: string): Promise<SamplerInput> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw invalid(file, `not readable as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw invalid(file, 'expected an object with "candidates" and "labelled"');
  const root = document as Record<string, unknown>;
  const { set: candidates, dims } = jsonSet(file, 'candidates', root.candidates, null);
  if (dims === 0) throw invalid(file, 'candidates.mean: no candidates');
  const labelled =
    root.labelled === undefined
      ? { mean: new Float32Array(0) }
      : jsonSet(file, 'labelled', root.labelled, dims).set;
  const parents = jsonParents(file, root.parents);
  if (root.jointCount !== undefined && typeof root.jointCount !== 'number')
    throw invalid(file, 'jointCount: expected a number');
  const jointCount = (root.jointCount as number | undefined) ?? parents?.length;
  return {
    candidates,
    labelled,
    dims,
    ...(jointCount !== undefined && { jointCount }),
    ...(parents && { parents }),
  };
}

// ----------------------------------------------------------------------------------------------------------------- npy

async function readNpy(file: string): Promise<{ shape: number[]; data: Float64Array }> {
  try {
    return parseNpy(await readFile(file), file);
  } catch (error) {
    throw new AppError('invalid_input', error instanceof Error ? error.message : String(error), file);
  }
}

async function loadNpyFolder(folder: string): Promise<SamplerInput> {
  const names = new Set((await readdir(folder)).filter((name) => name.endsWith('.npy')));
  const fileOf = (set: SetName, stem: string): string => `${set}_${stem}.npy`;
  for (const name of names) {
    const set = (['candidates', 'labelled'] as const).find((prefix) => name.startsWith(`${prefix}_`));
    if (!set) continue;
    const stems = Object.values(NPY_FIELDS[set]);
    if (!stems.some((stem) => name === fileOf(set, stem)))
      throw invalid(
        join(folder, name),
        `unknown field (known: ${stems.map((stem) => fileOf(set, stem)).join(', ')})`,
      );
  }
  const meanFile = join(folder, fileOf('candidates', 'mean'));
  if (!names.has(basename(meanFile))) throw invalid(meanFile, 'missing: the candidates are required');

  let dims = 0;
  const loadSet = async (set: SetName): Promise<CandidateSet> => {
    const loaded: CandidateSet = { mean: new Float32Array(0) };
    let rows = 0;
    // mean first: it fixes the row count (and, for candidates, C).
    for (const [field, stem] of Object.entries(NPY_FIELDS[set]) as [FieldName, string][]) {
      const file = join(folder, fileOf(set, stem));
      if (!names.has(basename(file))) continue;
      const { shape, data } = await readNpy(file);
      const perCoordinate = PER_COORDINATE.has(field);
      if (perCoordinate && shape.length !== 2)
        throw invalid(
          file,
          `${set}.${field}: expected a 2-D array (rows × C), got shape (${shape.join(', ')})`,
        );
      if (!perCoordinate && shape.length < 2)
        throw invalid(
          file,
          `${set}.${field}: expected rows × L × D or rows × (L·D), got shape (${shape.join(', ')})`,
        );
      const matrix = {
        rows: shape[0]!,
        columns: shape.slice(1).reduce((a, b) => a * b, 1),
        values: Float32Array.from(data),
      };
      if (field === 'mean') {
        rows = matrix.rows;
        if (set === 'candidates') dims = matrix.columns;
      }
      placeField(file, `${set}.${field}`, field, matrix, rows, dims);
      loaded[field] = matrix.values;
    }
    return loaded;
  };

  const candidates = await loadSet('candidates');
  if (candidates.mean.length === 0) throw invalid(meanFile, 'candidates.mean: no candidates');
  const labelled = await loadSet('labelled');
  let parents: number[] | undefined;
  const parentsFile = join(folder, 'parents.npy');
  if (names.has('parents.npy')) {
    const { shape, data } = await readNpy(parentsFile);
    if (shape.length !== 1)
      throw invalid(parentsFile, `parents: expected a 1-D array, got shape (${shape.join(', ')})`);
    parents = Array.from(data);
  }
  return { candidates, labelled, dims, ...(parents && { parents, jointCount: parents.length }) };
}
