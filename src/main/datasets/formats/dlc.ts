import { parse as parseYaml } from 'yaml';
import type { ImportIssue } from '../types';
import { type ForeignInstance, type ForeignPoint, foreignPoint } from './instances';

/**
 * DeepLabCut `CollectedData_<scorer>.csv` (formats.md §4.2): header rows `scorer`, (multi-animal) `individuals`,
 * `bodyparts`, `coords`; an index of one column (`labeled-data/<video>/img0042.png`) or three (`labeled-data`,
 * `<video>`, `img0042.png`), told apart by where the first `x` sits in the coords row. Empty cells (NaN) are
 * unlabelled points; DLC has no occlusion flag, so every labelled point is visible. A `likelihood` coordinate marks
 * machine labels (`machinelabels-iter<N>`, analyze_videos): their instances are predictions, the likelihood each
 * point's score.
 */
export interface DlcTable {
  scorer: string;
  /** Bodyparts of the first individual, in column order: the keypoint names. */
  bodyparts: string[];
  individuals: string[];
  instances: ForeignInstance[];
  issues: ImportIssue[];
}

interface Column {
  individual: string;
  part: number;
  coord: string;
}

/** `csvFile` is relative to the import root; image paths in the index are relative to `imageBase` ('' = root). */
export function parseDlcCsv(text: string, csvFile: string, imageBase = ''): DlcTable {
  const lines = text.split(/\r?\n/).map((line) => line.split(','));
  const fail = (message: string): never => {
    throw new Error(`${csvFile}: ${message}`);
  };
  if (lines[0]?.[0] !== 'scorer') fail('line 1 must start with "scorer" (a DeepLabCut CollectedData file)');
  const multi = lines[1]?.[0] === 'individuals';
  const [partsRow, coordsRow] = multi ? [lines[2], lines[3]] : [lines[1], lines[2]];
  if (partsRow?.[0] !== 'bodyparts' || coordsRow?.[0] !== 'coords')
    fail(`expected the rows "bodyparts" and "coords" after "scorer"${multi ? ' and "individuals"' : ''}`);
  const indexWidth = coordsRow!.indexOf('x');
  if (indexWidth < 1) fail('the coords row has no "x" column');
  const bodyparts: string[] = [];
  const individuals: string[] = [];
  const columns: Column[] = [];
  for (let c = indexWidth; c < coordsRow!.length; c++) {
    const individual = multi ? (lines[1]![c] ?? '') : '';
    if (!individuals.includes(individual)) individuals.push(individual);
    const name = partsRow![c] ?? '';
    if (individual === individuals[0] && !bodyparts.includes(name)) bodyparts.push(name);
    columns.push({ individual, part: bodyparts.indexOf(name), coord: coordsRow![c]! });
  }
  const predicted = columns.some((column) => column.coord === 'likelihood');
  const header = multi ? 4 : 3;
  const instances: ForeignInstance[] = [];
  const issues: ImportIssue[] = [];
  for (let l = header; l < lines.length; l++) {
    const cells = lines[l]!;
    if (cells.length === 1 && cells[0]!.trim() === '') continue;
    const line = l + 1;
    if (cells.length !== indexWidth + columns.length) {
      issues.push({
        file: csvFile,
        line,
        reason: 'joint-count',
        message: `${cells.length} cells, expected ${indexWidth + columns.length}`,
      });
      continue;
    }
    const image = [imageBase, ...cells.slice(0, indexWidth)].filter((part) => part !== '').join('/');
    const byIndividual = new Map<string, { x?: number; y?: number; likelihood?: number }[]>();
    let bad: string | null = null;
    columns.forEach((column, c) => {
      const cell = cells[indexWidth + c]!.trim();
      if (column.part < 0 || !['x', 'y', 'likelihood'].includes(column.coord)) return;
      const value = cell === '' || cell === 'NaN' ? Number.NaN : Number(cell);
      if (cell !== '' && cell !== 'NaN' && !Number.isFinite(value))
        bad ??= `column ${indexWidth + c + 1} is "${cell}", not a number`;
      const points = byIndividual.get(column.individual) ?? [];
      byIndividual.set(column.individual, points);
      (points[column.part] ??= {})[column.coord as 'x' | 'y' | 'likelihood'] = value;
    });
    if (bad !== null) {
      issues.push({ file: csvFile, line, reason: 'not-a-number', message: bad });
      continue;
    }
    for (const individual of individuals) {
      const raw = byIndividual.get(individual) ?? [];
      const points: (ForeignPoint | null)[] = bodyparts.map((_, k) => {
        const point = foreignPoint(raw[k]?.x, raw[k]?.y);
        const likelihood = raw[k]?.likelihood;
        return point && likelihood !== undefined && Number.isFinite(likelihood)
          ? { ...point, score: likelihood }
          : point;
      });
      if (multi && points.every((point) => point === null)) continue;
      instances.push({
        image,
        points,
        file: csvFile,
        line,
        ...(predicted ? { predicted } : {}),
        ...(multi ? { tags: [individual] } : {}),
      });
    }
  }
  return { scorer: lines[0]![indexWidth] ?? '', bodyparts, individuals, instances, issues };
}

/** The fields of a DeepLabCut `config.yaml` PoseLoop reads: the scorer, the bodyparts and the skeleton. */
export interface DlcConfig {
  scorer: string | null;
  bodyparts: string[];
  skeleton: [string, string][];
}

export function parseDlcConfig(text: string, file: string): DlcConfig {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const config = (value ?? {}) as Record<string, unknown>;
  const names = (key: string) => (Array.isArray(config[key]) ? (config[key] as unknown[]).map(String) : []);
  const bodyparts = config.multianimalproject
    ? [...names('multianimalbodyparts'), ...names('uniquebodyparts')]
    : names('bodyparts');
  const skeleton = Array.isArray(config.skeleton)
    ? (config.skeleton as unknown[]).flatMap((pair) =>
        Array.isArray(pair) && pair.length === 2
          ? [[String(pair[0]), String(pair[1])] as [string, string]]
          : [],
      )
    : [];
  return { scorer: typeof config.scorer === 'string' ? config.scorer : null, bodyparts, skeleton };
}

/**
 * The columns and values of a pandas DataFrame saved in pandas' "fixed" HDF5 layout (DeepLabCut's
 * `df.to_hdf(path, key="df_with_missing", mode="w")`), as read from the file: per axis either a plain list of
 * labels (`axisN`) or, for a MultiIndex, per level its values and per entry its codes (`axisN_levelK`,
 * `axisN_labelK`); and the value blocks with the column labels each holds.
 */
export interface PandasFixedFrame {
  /** Column labels: one tuple per column (scorer, [individual,] bodypart, coord). */
  columns: string[][];
  /** Row labels: one tuple per row (the image path, whole or in parts). */
  rows: string[][];
  /** Row-major values, rows × columns, in `columns` order (NaN = no label). */
  values: Float64Array;
}

/**
 * A DLC `.h5` frame as the CSV DeepLabCut writes beside it, so that one parser (`parseDlcCsv`) reads both: header
 * rows from the column levels (scorer, individuals when there are four levels, bodyparts, coords), then one line per
 * row with its index parts and values (empty for NaN).
 */
export function dlcFrameToCsv(frame: PandasFixedFrame): string {
  const levels = frame.columns[0]?.length ?? 0;
  if (levels !== 3 && levels !== 4)
    throw new Error(
      `expected 3 or 4 column levels (scorer, [individuals,] bodyparts, coords), got ${levels}`,
    );
  const names =
    levels === 4 ? ['scorer', 'individuals', 'bodyparts', 'coords'] : ['scorer', 'bodyparts', 'coords'];
  const width = frame.rows[0]?.length ?? 1;
  const pad = Array.from({ length: width - 1 }, () => '');
  const header = names.map((name, level) => [name, ...pad, ...frame.columns.map((c) => c[level]!)].join(','));
  const body = frame.rows.map((row, r) => {
    const values = frame.columns.map((_, c) => {
      const value = frame.values[r * frame.columns.length + c]!;
      return Number.isNaN(value) ? '' : String(value);
    });
    return [...row, ...values].join(',');
  });
  return [...header, ...body, ''].join('\n');
}
