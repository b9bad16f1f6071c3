import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { readHdf5, type Hdf5Reader } from '../../../fs/hdf5';
import {
  type DlcConfig,
  type DlcTable,
  type PandasFixedFrame,
  dlcFrameToCsv,
  parseDlcConfig,
  parseDlcCsv,
} from '../../formats/dlc';
import { listFiles } from '../files';
import type { DatasetImport, ImportOptions } from '../import-runner';
import { exists, nothingToImport, resolveOptions } from './common';
import { runInstanceImport } from './instances';

/** Human labels, and machine labels (refinement outputs, with likelihoods: imported as predictions). */
const COLLECTED = /^(CollectedData_.*|machinelabels-iter\d+)\.csv$/;
const COLLECTED_H5 = /^(CollectedData_.*|machinelabels-iter\d+)\.h5$/;

/**
 * A DeepLabCut project folder (formats.md §4.2): every `CollectedData_<scorer>.csv` under it (normally
 * `labeled-data/<video>/`). Index paths starting with `labeled-data/` are relative to the project folder, others
 * to the CSV's folder. With a `config.yaml`, every CSV's bodyparts must be among the config's, and its `skeleton`
 * pairs are the links of a custom skeleton when the bodyparts are not a built-in human layout's. `machinelabels-iter<N>`
 * files (machine labels with likelihoods) are read too; their instances are predictions. A
 * `CollectedData_<scorer>.h5` without a CSV twin (pandas' "fixed" HDF5 layout, as DeepLabCut saves it) is read through
 * h5wasm and turned into the same CSV text, so both go through one parser.
 */
export async function openDlcImport(
  root: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const csvs = await listFiles(root, (name) => COLLECTED.test(name));
  const twins = new Set(csvs.map((file) => file.replace(/\.csv$/, '.h5')));
  const h5s = (await listFiles(root, (name) => COLLECTED_H5.test(name))).filter((file) => !twins.has(file));
  const files = [...csvs, ...h5s];
  if (files.length === 0) throw nothingToImport('dlc', root, 'labeled-data/*/CollectedData_*.csv or .h5');
  const tables: DlcTable[] = [];
  for (const file of files) {
    const text = file.endsWith('.h5')
      ? await h5AsCsv(join(root, file), file)
      : await readFile(join(root, file), 'utf8');
    try {
      tables.push(parseDlcCsv(text, file, imageBase(text, file)));
    } catch (error) {
      throw new AppError('invalid_input', (error as Error).message, file);
    }
  }
  const first = tables[0]!;
  const mismatch = tables.find((table) => table.bodyparts.join() !== first.bodyparts.join());
  if (mismatch) {
    throw new AppError(
      'invalid_input',
      `${mismatch.instances[0]?.file ?? 'a CSV'} has bodyparts [${mismatch.bodyparts.join(', ')}], ${files[0]} has [${first.bodyparts.join(', ')}]`,
      'root',
    );
  }
  const config = await readConfig(root, first.bodyparts);
  const skeleton = config
    ? { list: first.bodyparts, links: config.skeleton, file: 'config.yaml' }
    : { list: first.bodyparts, file: files[0]! };
  return runInstanceImport('dlc', root, skeleton, settings, async function* (tally) {
    for (const table of tables) {
      for (const issue of table.issues) tally.error(issue);
      yield* table.instances;
    }
  });
}

/** A DLC `.h5` (the first frame in it: `df_with_missing`, or napari-deeplabcut's `keypoints`) as DLC's CSV text. */
async function h5AsCsv(path: string, file: string): Promise<string> {
  try {
    return dlcFrameToCsv(await readHdf5(path, readFixedFrame));
  } catch (error) {
    throw new AppError('invalid_input', `${file}: ${(error as Error).message}`, file);
  }
}

/** pandas' "fixed" frame layout: axis0 = columns, axis1 = rows, value blocks with their column labels. */
function readFixedFrame(h5: Hdf5Reader): PandasFixedFrame {
  const key = h5.keys().find((name) => h5.attribute(name, 'pandas_type') === 'frame');
  if (key === undefined) throw new Error('no pandas DataFrame in the file (expected key "df_with_missing")');
  const columns = axisLabels(h5, key, 'axis0');
  const rows = axisLabels(h5, key, 'axis1');
  const columnOf = new Map(columns.map((labels, c) => [labels.join('\u0000'), c]));
  const values = new Float64Array(rows.length * columns.length).fill(Number.NaN);
  const blocks = Number(h5.attribute(key, 'nblocks') ?? 0);
  for (let b = 0; b < blocks; b++) {
    const items = axisLabels(h5, key, `block${b}_items`);
    const block = h5.numbers(`${key}/block${b}_values`);
    if (!block) throw new Error(`${key}/block${b}_values is missing`);
    items.forEach((labels, i) => {
      const c = columnOf.get(labels.join('\u0000'));
      if (c === undefined)
        throw new Error(`block ${b} holds a column not in the frame: ${labels.join(' / ')}`);
      for (let r = 0; r < rows.length; r++)
        values[r * columns.length + c] = block.values[r * items.length + i]!;
    });
  }
  return { columns, rows, values };
}

/** The labels of one axis: a MultiIndex (levels + codes per level; code −1 = missing) or a plain index. */
function axisLabels(h5: Hdf5Reader, key: string, axis: string): string[][] {
  if (h5.attribute(key, `${axis}_variety`) !== 'multi') {
    const plain = h5.strings(`${key}/${axis}`);
    if (!plain) throw new Error(`${key}/${axis} is missing`);
    return plain.map((label) => [label]);
  }
  const count = Number(h5.attribute(key, `${axis}_nlevels`));
  const levels = Array.from({ length: count }, (_, k) => h5.strings(`${key}/${axis}_level${k}`) ?? []);
  const codes = Array.from({ length: count }, (_, k) => h5.numbers(`${key}/${axis}_label${k}`)?.values ?? []);
  return Array.from(codes[0] ?? [], (_, i) => levels.map((level, k) => level[codes[k]![i]!] ?? ''));
}

/** `labeled-data/…` index paths are project-relative; anything else sits beside the CSV. */
function imageBase(text: string, file: string): string {
  const firstData = text.split(/\r?\n/).find((line) => !/^(scorer|individuals|bodyparts|coords),/.test(line));
  return firstData?.startsWith('labeled-data') ? '' : posix.dirname(file) === '.' ? '' : posix.dirname(file);
}

/** The project's config.yaml (null without one); its bodyparts must include every one the CSVs label. */
async function readConfig(root: string, bodyparts: readonly string[]): Promise<DlcConfig | null> {
  const path = join(root, 'config.yaml');
  if (!(await exists(path))) return null;
  let config;
  try {
    config = parseDlcConfig(await readFile(path, 'utf8'), 'config.yaml');
  } catch (error) {
    throw new AppError('invalid_input', (error as Error).message, 'config.yaml');
  }
  const unknown = bodyparts.filter((name) => !config.bodyparts.includes(name));
  if (config.bodyparts.length > 0 && unknown.length > 0) {
    throw new AppError(
      'invalid_input',
      `config.yaml: bodyparts [${config.bodyparts.join(', ')}] lack [${unknown.join(', ')}] labelled in the CSV`,
      'config.yaml',
    );
  }
  // Links between bodyparts the CSVs do not label cannot be drawn.
  return {
    ...config,
    skeleton: config.skeleton.filter((pair) => pair.every((name) => bodyparts.includes(name))),
  };
}
