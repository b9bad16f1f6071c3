import type { Intrinsics } from '@shared/domain';
import { AppError } from '@shared/errors';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { DatasetFormat, DepthDatasetInfo, RgbDatasetInfo } from '../../types';
import { isMissingFile } from '../files';
import { DEFAULT_IMPORT_OPTIONS, type ImportOptions } from '../import-runner';

export function resolveOptions<T extends object>(options: Partial<ImportOptions> & T): ImportOptions & T {
  return { ...DEFAULT_IMPORT_OPTIONS, ...options };
}

export function datasetInfo(
  format: DatasetFormat,
  root: string,
  skeleton: string,
  intrinsics: Intrinsics,
  options: ImportOptions,
): DepthDatasetInfo {
  return {
    format,
    name: datasetName(format, root, options),
    skeleton,
    modality: 'depth',
    intrinsics: options.intrinsics ?? intrinsics,
    cubeMm: options.cubeMm,
  };
}

export function rgbDatasetInfo(
  format: DatasetFormat,
  root: string,
  skeleton: string,
  options: ImportOptions,
): RgbDatasetInfo {
  return {
    format,
    name: datasetName(format, root, options),
    skeleton,
    modality: 'rgb',
    intrinsics: null,
    cubeMm: null,
  };
}

function datasetName(format: DatasetFormat, root: string, options: ImportOptions): string {
  return options.name ?? `${format}: ${basename(root)}`;
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The subset of `relativePaths` that exist under `root`, in the given order. */
export async function existing(root: string, relativePaths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(relativePaths.map((path) => exists(join(root, path))));
  return relativePaths.filter((_, i) => found[i]);
}

export function nothingToImport(format: DatasetFormat, root: string, looked: string): AppError {
  return new AppError('not_found', `no ${format} labels in ${root} (looked for ${looked})`, root);
}

/** A label-file format's dataset root and the label files to read there (relative to it). */
export interface LabelSource {
  root: string;
  files: string[];
}

/**
 * `--root` of a format whose labels are files: the dataset folder (its label files are those in `folders` ending in
 * `extension`), or one label file, the natural thing to pass for a single-file export. A file is read alone; the
 * root becomes its folder, or that folder's parent when the file lies in one of `folders` (COCO's `annotations/`),
 * so images resolve as they do when the folder is given. Anything else is an error naming the path.
 */
export async function labelSource(
  format: DatasetFormat,
  given: string,
  folders: readonly string[],
  extension: string,
): Promise<LabelSource> {
  const info = await stat(given).catch((error: unknown) => {
    if (isMissingFile(error)) return null;
    throw error;
  });
  const expected = `the ${format} folder or its *${extension} label file`;
  if (info === null) throw new AppError('not_found', `${given} does not exist; give ${expected}`, 'root');
  if (info.isDirectory()) return { root: given, files: await filesIn(given, folders, extension) };
  if (!info.isFile() || !given.toLowerCase().endsWith(extension))
    throw new AppError(
      'invalid_input',
      `${given} is neither a folder nor a *${extension} file; give ${expected}`,
      'root',
    );
  const folder = dirname(given);
  return folders.includes(basename(folder))
    ? { root: dirname(folder), files: [posix.join(basename(folder), basename(given))] }
    : { root: folder, files: [basename(given)] };
}

/** Files directly in each of `folders` (relative to `root`; absent ones skipped) whose name ends in `extension`. */
export async function filesIn(
  root: string,
  folders: readonly string[],
  extension: string,
): Promise<string[]> {
  const found: string[] = [];
  for (const folder of folders) {
    const entries = await readdir(join(root, folder), { withFileTypes: true }).catch((error: unknown) => {
      if (isMissingFile(error)) return [];
      throw error;
    });
    found.push(
      ...entries
        .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(extension))
        .map((entry) => posix.join(folder, entry.name))
        .sort(),
    );
  }
  return found;
}

/** Parses a JSON file under `root`; invalid JSON is an AppError naming the file. */
export async function readJsonFile(root: string, file: string): Promise<unknown> {
  const text = await readFile(join(root, file), 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `${file}: ${error instanceof Error ? error.message : String(error)}`,
      file,
    );
  }
}

/**
 * The split a label file's name declares, as mmpose / COCO name them: `…train…` → train (HRNet's trainval too),
 * `…val…` or `…test…` → test; otherwise none.
 */
export function splitFromFileName(file: string): 'train' | 'test' | undefined {
  const name = posix.basename(file).toLowerCase();
  if (name.includes('train')) return 'train';
  return name.includes('val') || name.includes('test') ? 'test' : undefined;
}

/**
 * Label files name images relative to a folder they do not name. Tried in order, keeping the first that holds the
 * first image: the label file's folder, the root, `images/`, then `extra` (format-specific). Default: the label
 * file's folder (missing images are then reported per record).
 */
export async function imageFolderOf(
  root: string,
  file: string,
  firstImage: string | undefined,
  extra: readonly string[] = [],
): Promise<string> {
  const folders = [posix.dirname(file), '.', 'images', ...extra];
  if (firstImage !== undefined) {
    for (const folder of folders) if (await exists(join(root, folder, firstImage))) return folder;
  }
  return folders[0]!;
}
