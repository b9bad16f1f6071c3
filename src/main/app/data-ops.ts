import { resolve } from 'node:path';
import type { ImportSummary } from '@shared/contract';
import type { DatasetCameraId } from '@shared/camera';
import { Intrinsics, type Split } from '@shared/domain';
import { AppError } from '@shared/errors';
import { getSkeleton } from '@shared/skeletons';
import type { ImportRecord } from '../datasets';
import { loadDepth, loadRgb, openDatasetImport } from '../datasets/node';
import type { NewSample } from '../store';
import type { HandlerGroup, OpContext } from './context';
import type { AppDeps } from './deps';
import { storeImportedPredictions } from './import-predictions';
import { importSkeleton } from './import-skeleton';
import type { Project } from './project';

type SplitChoice = 'auto' | Split;

/**
 * Where an imported record goes. Test frames keep visible labels (evaluation needs them). Labelled train frames
 * join the labelled set unless their labels are to be hidden, in which case they join the pool with the labels
 * kept as the oracle of simulations. Unlabelled frames always join the pool.
 */
export function placeRecord(
  record: Pick<ImportRecord, 'split' | 'joints'>,
  choice: SplitChoice,
  hideLabels: boolean,
): {
  split: Split;
  visible: boolean;
} {
  const wanted: Split = choice !== 'auto' ? choice : record.split === 'test' ? 'test' : 'train';
  if (wanted === 'test') return { split: 'test', visible: record.joints !== null };
  if (record.joints === null) return { split: 'pool', visible: false };
  if (wanted === 'pool' || hideLabels) return { split: 'pool', visible: false };
  return { split: 'train', visible: true };
}

export async function importDataset(
  project: Project,
  input: {
    format: Parameters<typeof openDatasetImport>[0];
    root: string;
    split: SplitChoice;
    hideLabels: boolean;
    name?: string;
    camera?: DatasetCameraId;
    intrinsics?: string;
    frames?: number;
    pick?: 'uniform' | 'kmeans';
    seed?: number;
  },
  ctx: Pick<OpContext, 'signal' | 'progress'>,
): Promise<ImportSummary> {
  const { frames, pick, seed } = input;
  const run = await openDatasetImport(input.format, resolve(input.root), {
    ...(input.name ? { name: input.name } : {}),
    ...cameraOption(input),
    ...(frames === undefined ? {} : { frames }),
    ...(pick === undefined ? {} : { pick }),
    ...(seed === undefined ? {} : { seed }),
    signal: ctx.signal,
    progress: (fraction, message) => ctx.progress({ fraction, stage: 'extract', message }),
    // Decode every image (issue 15: a truncated PNG passed the header check and then broke every round).
    checkImages: 'decode',
  });
  // The folder the images are relative to: a label file's folder, a video's extracted frames.
  const { root } = run;
  const native = run.dataset.layout ?? getSkeleton(run.dataset.skeleton);
  const skeletonBefore = project.store.getSetting('skeleton');
  const { target, toProject } = importSkeleton(project, native, input.format, run.dataset.skeletonFile);
  const { store } = project;
  const datasetId = store.ensureDataset({
    name: run.dataset.name,
    format: run.dataset.format,
    root,
    modality: run.dataset.modality,
    skeletonId: target.id,
    intrinsics: run.dataset.intrinsics,
    cubeMm: run.dataset.cubeMm,
  });
  const importer = store.accounts.idOf(`import:${input.format}`);
  let inserted = 0;
  let duplicates = 0;
  let predictions: number;
  const counts = () => ({ imported: inserted, duplicates, skipped: run.counts.skipped });
  store.setImportState(datasetId, 'running', counts());
  try {
    for await (const batch of run.records) {
      if (ctx.signal.aborted)
        throw new AppError(
          'cancelled',
          `import cancelled after ${inserted} samples (each batch is whole; importing again resumes)`,
        );
      const samples: NewSample[] = batch.map((record) => {
        const place = placeRecord(record, input.split, input.hideLabels);
        const joints = record.joints && toProject(record.joints);
        return {
          sourceKey: record.key,
          imagePath: record.imagePath,
          frame: record.frame ?? 0,
          modality: run.dataset.modality,
          width: record.width,
          height: record.height,
          split: place.split,
          joints: place.visible ? joints : null,
          groundTruth: place.visible ? null : joints,
          ...(record.box ? { box: record.box } : {}),
        };
      });
      const result = store.insertSamples(datasetId, samples, importer);
      inserted += result.inserted;
      duplicates += result.duplicates;
      store.setImportState(datasetId, 'running', counts());
      ctx.progress({
        fraction: 0,
        stage: 'import',
        message: `${inserted} imported, ${run.counts.skipped} skipped`,
      });
    }
    if (inserted === 0 && duplicates === 0) {
      const first = run.errors[0];
      const where = first
        ? `${first.file}${first.line !== undefined ? `:${first.line}` : ''}: ${first.message}`
        : 'no labelled frames found';
      throw new AppError(
        'invalid_input',
        `nothing imported from ${root} (${run.counts.skipped} skipped; first problem: ${where})`,
        first?.file ?? 'root',
      );
    }
    predictions = storeImportedPredictions(project, datasetId, input.format, run.predictions, toProject);
    store.setImportState(datasetId, 'complete', counts());
  } catch (error) {
    // Nothing half-done stays: no empty dataset row, no skeleton switched by an import that brought no samples.
    if (!store.dropDatasetIfEmpty(datasetId))
      store.setImportState(datasetId, 'interrupted', counts(), (error as Error).message);
    if (store.counts().total === 0 && skeletonBefore !== null) store.setSetting('skeleton', skeletonBefore);
    throw error;
  }
  return {
    datasetId,
    imported: inserted,
    duplicates: duplicates + (run.counts.skippedByReason['duplicate-key'] ?? 0),
    skipped: run.counts.skipped,
    skippedByReason: run.counts.skippedByReason,
    predictions,
    skeleton: { id: target.id, name: target.name, joints: target.joints.length },
    errors: run.errors
      .map((e) => ({ file: e.file, line: e.line ?? null, message: e.message }))
      .sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0)),
  };
}

/** `--camera` (a preset) or `--intrinsics fx,fy,cx,cy,width,height`, for formats that do not name their camera. */
function cameraOption(input: { camera?: DatasetCameraId; intrinsics?: string }): {
  camera?: DatasetCameraId | Intrinsics;
} {
  if (input.intrinsics === undefined) return input.camera ? { camera: input.camera } : {};
  const [fx, fy, cx, cy, width, height] = input.intrinsics.split(',').map(Number) as number[];
  const parsed = Intrinsics.safeParse({ fx, fy, cx, cy, width, height });
  if (!parsed.success)
    throw new AppError('invalid_input', `intrinsics: ${parsed.error.issues[0]!.message}`, 'intrinsics');
  return { camera: parsed.data };
}

export function dataHandlers(deps: AppDeps): HandlerGroup<'dataset.import' | 'sample.image'> {
  return {
    'dataset.import': (input, ctx) => importDataset(deps.projects.get(input.project), input, ctx),
    'sample.image': async (input) => {
      const project = deps.projects.get(input.project);
      const sample = project.store.requireSample(input.sampleId);
      const dataset = project.store.getDataset(sample.datasetId);
      if (!dataset) throw new AppError('not_found', `sample ${sample.id} has no dataset`);
      if (sample.modality === 'rgb') {
        const image = await loadRgb(dataset.root, { imagePath: sample.imagePath });
        return {
          meta: {
            width: image.width,
            height: image.height,
            modality: 'rgb' as const,
            encoding: 'rgba8' as const,
          },
          bytes: new Uint8Array(
            image.rgba.buffer as ArrayBuffer,
            image.rgba.byteOffset,
            image.rgba.byteLength,
          ),
        };
      }
      const image = await loadDepth(dataset.root, { imagePath: sample.imagePath });
      return {
        meta: {
          width: image.width,
          height: image.height,
          modality: 'depth' as const,
          encoding: 'depth16le' as const,
        },
        bytes: new Uint8Array(image.depth.buffer, image.depth.byteOffset, image.depth.byteLength),
      };
    },
  };
}
