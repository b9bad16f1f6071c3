import type { Intrinsics } from '@shared/domain';
import { AppError } from '@shared/errors';
import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DatasetFormat, DatasetInfo } from '../../types';
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
): DatasetInfo {
  return {
    format,
    name: options.name ?? `${format}: ${basename(root)}`,
    skeleton,
    modality: 'depth',
    intrinsics: options.intrinsics ?? intrinsics,
    cubeMm: options.cubeMm,
  };
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
  return new AppError('not_found', `no ${format} labels under ${root} (looked for ${looked})`, root);
}
