import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import {
  EXPORT_LABEL_FILE_FORMATS,
  RGB_EXPORT_FORMATS,
  type ExportFilterInput,
  type ExportPreview,
  type ExportResult,
} from '@shared/contract';
import type { Intrinsics } from '@shared/domain';
import { AppError } from '@shared/errors';
import { encodeDepthPng } from '../datasets';
import { loadDepth } from '../datasets/node';
import {
  buildManifest,
  planExport,
  type ExportContext,
  type ExportDataset,
  type ExportFormatId,
  type ExportSample,
  type PlannedImage,
} from '../exports';
import { writeExport } from '../exports/node';
import type { ExportQuery } from '../store';
import type { HandlerGroup, OpContext } from './context';
import type { AppDeps } from './deps';
import type { Project } from './project';
import { packageVersion } from './version';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The contract's filters → the store's query: dates to ISO instants, the upper bound exclusive (a date = its whole day). */
export function exportQuery(project: Project, filters: ExportFilterInput): ExportQuery {
  const { store } = project;
  if (filters.roundId !== undefined && !store.rounds.get(filters.roundId)) {
    throw new AppError('not_found', `no round ${filters.roundId} in this project`, 'roundId');
  }
  if (filters.datasetId !== undefined && !store.getDataset(filters.datasetId)) {
    throw new AppError('not_found', `no dataset ${filters.datasetId} in this project`, 'datasetId');
  }
  const dateOnly = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  const query: ExportQuery = { split: filters.split, status: filters.status, unreviewed: filters.unreviewed };
  if (filters.roundId !== undefined) query.roundId = filters.roundId;
  if (filters.sampler !== undefined) query.sampler = filters.sampler;
  if (filters.annotator !== undefined) query.annotator = filters.annotator;
  if (filters.datasetId !== undefined) query.datasetId = filters.datasetId;
  if (filters.updatedFrom !== undefined) query.updatedFrom = new Date(filters.updatedFrom).toISOString();
  if (filters.updatedTo !== undefined) {
    const to = Date.parse(filters.updatedTo);
    query.updatedBefore = new Date(to + (dateOnly(filters.updatedTo) ? DAY_MS : 1)).toISOString();
  }
  if (query.updatedFrom && query.updatedBefore && query.updatedFrom >= query.updatedBefore) {
    throw new AppError('invalid_input', 'updatedFrom is after updatedTo', 'updatedFrom');
  }
  return query;
}

function filtersOf(input: ExportFilterInput): Record<string, unknown> {
  const keys = [
    'split',
    'status',
    'unreviewed',
    'roundId',
    'sampler',
    'annotator',
    'datasetId',
    'updatedFrom',
    'updatedTo',
  ] as const;
  return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]]));
}

function exportContext(
  project: Project,
  format: ExportFormatId,
  filters: ExportFilterInput,
  appVersion: string,
  createdAt: string,
  scorer?: string,
): ExportContext {
  const { store } = project;
  const datasets = new Map<number, ExportDataset>(
    store.listDatasets().map((d) => [
      d.id,
      {
        id: d.id,
        name: d.name,
        format: d.format,
        root: d.root,
        intrinsics: d.intrinsics ? (JSON.parse(d.intrinsics) as Intrinsics) : null,
        cubeMm: d.cubeMm,
      },
    ]),
  );
  return {
    format,
    skeleton: project.skeleton,
    datasets,
    project: { name: project.name, path: project.dir },
    appVersion,
    createdAt,
    filters: filtersOf(filters),
    ...(scorer ? { scorer } : {}),
  };
}

function checkFormat(project: Project, format: ExportFormatId): void {
  if (project.modality === 'rgb' && !RGB_EXPORT_FORMATS.includes(format))
    throw new AppError(
      'invalid_input',
      `${format} is a depth-hand format; an RGB project exports ${RGB_EXPORT_FORMATS.join(' or ')}`,
      'format',
    );
}

/**
 * Label Studio and CVAT write a folder unless `images` is false: an `out` named like a label file (a habit from when
 * they wrote the file alone) would become a folder called `tasks.json`, so it is refused with the two ways out.
 */
function checkLabelFileOut(format: ExportFormatId, images: boolean, out: string): void {
  if (images && EXPORT_LABEL_FILE_FORMATS.includes(format) && /\.(json|xml)$/i.test(out))
    throw new AppError(
      'invalid_input',
      `${out} names a file, but ${format} exports a folder (the label file and images/): give a folder, or --no-images for the label file alone`,
      'out',
    );
}

/** Only the datasets the samples come from go into the manifest and the format's dataset lists. */
function usedDatasets(context: ExportContext, samples: readonly ExportSample[]): ExportContext {
  const used = new Set(samples.map((sample) => sample.datasetId));
  return {
    ...context,
    datasets: new Map([...context.datasets].filter(([id]) => used.has(id))),
  };
}

const inside = (child: string, parent: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

/** A forced folder export replaces `out`: it must never be (or contain) the project or a dataset's source folder. */
function guardOut(project: Project, out: string): void {
  const protectedDirs = [project.dir, ...project.store.listDatasets().map((d) => d.root)];
  const hit = protectedDirs.find((dir) => inside(dir, out));
  if (hit) {
    throw new AppError(
      'invalid_input',
      `${out} holds ${hit === project.dir ? 'the project' : `the dataset folder ${hit}`}; choose another output`,
      'out',
    );
  }
}

/** The bytes of a sample's image: RGB files and depth PNGs are copied as they are, other depth files re-encoded. */
async function imageBytes(context: ExportContext, image: PlannedImage): Promise<Uint8Array> {
  const { sample } = image;
  const dataset = context.datasets.get(sample.datasetId);
  if (!dataset) throw new AppError('not_found', `sample ${sample.sampleId} has no dataset`, 'datasetId');
  try {
    if (sample.modality === 'rgb' || /\.png$/i.test(sample.imagePath))
      return new Uint8Array(await readFile(join(dataset.root, sample.imagePath)));
    return encodeDepthPng(await loadDepth(dataset.root, { imagePath: sample.imagePath }));
  } catch (error) {
    throw new AppError(
      'not_found',
      `cannot read the image of sample ${sample.sampleId} (${join(dataset.root, sample.imagePath)}): ${(error as Error).message}`,
      'images',
    );
  }
}

export async function runExport(
  project: Project,
  input: ExportFilterInput & {
    format: ExportFormatId;
    out: string;
    force: boolean;
    scorer?: string;
    images?: boolean;
  },
  appVersion: string,
  createdAt: string,
  ctx: Pick<OpContext, 'signal' | 'progress'>,
): Promise<ExportResult> {
  checkFormat(project, input.format);
  const out = resolve(input.out);
  const images = input.images ?? true;
  checkLabelFileOut(input.format, images, out);
  guardOut(project, out);
  const query = exportQuery(project, input);
  ctx.progress({ fraction: 0, stage: 'select', message: 'reading the selected samples' });
  const samples = project.store.exports.collect(query);
  if (samples.length === 0) {
    throw new AppError('invalid_input', 'no samples match the filters; nothing was written', 'filters');
  }
  const context = usedDatasets(
    { ...exportContext(project, input.format, input, appVersion, createdAt, input.scorer), images },
    samples,
  );
  const plan = planExport(samples, context);
  ctx.progress({ fraction: 0.05, stage: 'write', message: `${plan.samples} samples` });
  const written = await writeExport(out, plan, {
    force: input.force,
    readImage: (image) => imageBytes(context, image),
    manifest: (files, checksum) => buildManifest(context, plan, files, checksum),
    signal: ctx.signal,
    progress: (done, total) =>
      ctx.progress({
        fraction: 0.05 + (0.95 * done) / Math.max(1, total),
        stage: 'write',
        message: plan.images.length > 0 ? `${done}/${total} images` : 'written',
      }),
  });
  return {
    out: written.out,
    format: input.format,
    files: written.files,
    images: written.images,
    samples: plan.samples,
    skipped: plan.skipped,
    checksum: written.checksum,
    manifest: written.manifest,
  };
}

export function previewExport(
  project: Project,
  input: ExportFilterInput & { format?: ExportFormatId | undefined },
): ExportPreview {
  const query = exportQuery(project, input);
  const counts = project.store.exports.counts(query);
  if (!input.format) return counts;
  const samples = project.store.exports.collect(query);
  if (samples.length === 0) return { ...counts, exportable: 0, skipped: {} };
  const context = usedDatasets(exportContext(project, input.format, input, '', ''), samples);
  try {
    const plan = planExport(samples, context);
    return { ...counts, exportable: plan.samples, skipped: plan.skipped };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ...counts, exportable: 0, skipped: { [error.message]: samples.length } };
  }
}

export function exportHandlers(deps: AppDeps): HandlerGroup<'export.run' | 'export.preview'> {
  return {
    'export.run': (input, ctx) =>
      runExport(
        deps.projects.get(input.project),
        input,
        deps.appVersion ?? packageVersion(),
        deps.clock().toISOString(),
        ctx,
      ),
    'export.preview': (input) => previewExport(deps.projects.get(input.project), input),
  };
}
