import type { ExportContext, ExportPlan } from '../types';
import { datasetFolder } from './common';

/** The export manifest's file name inside a folder export; file exports get `<out>.manifest.json` beside them. */
export const EXPORT_MANIFEST = 'manifest.json';

export interface FileDigest {
  /** Relative to the export folder, or the data file's name for a file export. */
  path: string;
  bytes: number;
  sha256: string;
}

/** `sha256  path` lines sorted by path (sha256sum's format): what a folder export's checksum is taken over. */
export function checksumListing(files: readonly FileDigest[]): string {
  return [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => `${file.sha256}  ${file.path}\n`)
    .join('');
}

/**
 * The manifest of an export: what was exported (format, filters, project, app version, time, sample count, datasets
 * with their export folders) and the SHA-256 of every data file plus one checksum over them.
 */
export function buildManifest(
  context: ExportContext,
  plan: Pick<ExportPlan, 'kind' | 'samples' | 'skipped' | 'notes'>,
  files: readonly FileDigest[],
  checksum: string,
): string {
  const manifest = {
    format: 'poseloop-export',
    version: 1,
    exportFormat: context.format,
    createdAt: context.createdAt,
    appVersion: context.appVersion,
    project: { ...context.project, skeleton: context.skeleton.id },
    filters: context.filters,
    samples: plan.samples,
    skipped: plan.skipped,
    datasets: [...context.datasets.values()].map((dataset) => ({
      id: dataset.id,
      name: dataset.name,
      format: dataset.format,
      root: dataset.root,
      folder: datasetFolder(dataset),
      intrinsics: dataset.intrinsics,
    })),
    notes: plan.notes,
    checksum: {
      algorithm: 'sha256',
      value: checksum,
      of:
        plan.kind === 'file'
          ? 'the data file'
          : 'the sorted "sha256  path" lines (sha256sum format) of every file listed below',
    },
    files,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
