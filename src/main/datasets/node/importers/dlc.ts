import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type DlcTable, parseDlcConfig, parseDlcCsv } from '../../formats/dlc';
import { listFiles } from '../files';
import type { DatasetImport, ImportOptions } from '../import-runner';
import { exists, nothingToImport, resolveOptions } from './common';
import { runInstanceImport } from './instances';

const COLLECTED = /^CollectedData_.*\.csv$/;

/**
 * A DeepLabCut project folder (formats.md §4.2): every `CollectedData_<scorer>.csv` under it (normally
 * `labeled-data/<video>/`). Index paths starting with `labeled-data/` are relative to the project folder, others
 * to the CSV's folder. With a `config.yaml`, every CSV's bodyparts must be among the config's. The `.h5` twins hold
 * the same table in pandas' PyTables layout and are not read: the CSV is DeepLabCut's own copy of it.
 */
export async function openDlcImport(
  root: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const files = await listFiles(root, (name) => COLLECTED.test(name));
  if (files.length === 0) {
    const [h5] = await listFiles(root, (name) => /^CollectedData_.*\.h5$/.test(name));
    if (h5)
      throw new AppError(
        'unsupported',
        `${h5} has no CSV beside it; PoseLoop reads DeepLabCut's CSV copy (write it with pandas: pd.read_hdf("${h5}").to_csv("${h5.replace(/\.h5$/, '.csv')}"))`,
        h5,
      );
    throw nothingToImport('dlc', root, 'labeled-data/*/CollectedData_*.csv');
  }
  const tables: DlcTable[] = [];
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
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
  await checkConfig(root, first.bodyparts);
  return runInstanceImport(
    'dlc',
    root,
    { list: first.bodyparts, file: files[0]! },
    settings,
    async function* (tally) {
      for (const table of tables) {
        for (const issue of table.issues) tally.error(issue);
        yield* table.instances;
      }
    },
  );
}

/** `labeled-data/…` index paths are project-relative; anything else sits beside the CSV. */
function imageBase(text: string, file: string): string {
  const firstData = text.split(/\r?\n/).find((line) => !/^(scorer|individuals|bodyparts|coords),/.test(line));
  return firstData?.startsWith('labeled-data') ? '' : posix.dirname(file) === '.' ? '' : posix.dirname(file);
}

async function checkConfig(root: string, bodyparts: readonly string[]): Promise<void> {
  const path = join(root, 'config.yaml');
  if (!(await exists(path))) return;
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
}
