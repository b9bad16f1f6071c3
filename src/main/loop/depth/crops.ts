import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { Intrinsics } from '@shared/domain';
import type { CropFrame } from '../../datasets';
import {
  cropsAtCentres,
  ensureCropCache,
  loadDepth,
  type CropCache,
  type CropSource,
} from '../../datasets/node';
import type { CropGeometry } from '../../learner';
import type { LoopProject } from '../context';

/** Cube side used when a dataset does not declare one (spec §1.2 step 3). */
const DEFAULT_CUBE_MM = 300;

export interface ProjectCrops {
  cache: CropCache;
  cubeMm: number;
  inputSize: number;
  intrinsicsOf(sampleId: number): Intrinsics;
  /** Where a sample's depth image comes from, to cut it again around another centre. */
  sourceOf(sampleId: number): CropSource;
}

/**
 * The crops of every depth sample of a project at one input size, cached in `cache/` and rebuilt when the samples or
 * settings change. Detected hand centres are written back to the samples so people can see (and move) them.
 */
export async function projectCrops(project: LoopProject, inputSize: number): Promise<ProjectCrops> {
  const { store } = project;
  const datasets = new Map(store.listDatasets().map((d) => [d.id, d]));
  const intrinsics = new Map<number, Intrinsics>();
  const sources: CropSource[] = [];
  const sourceById = new Map<number, CropSource>();
  for (let after = 0; ;) {
    const page = store.listSamples({ after, limit: 1000 });
    if (page.length === 0) break;
    for (const sample of page) {
      const dataset = datasets.get(sample.datasetId)!;
      if (sample.modality !== 'depth' || !dataset.intrinsics) continue;
      const camera = JSON.parse(dataset.intrinsics) as Intrinsics;
      intrinsics.set(sample.id, camera);
      const source = { sampleId: sample.id, intrinsics: camera, load: () => loadDepth(dataset.root, sample) };
      sources.push(source);
      sourceById.set(sample.id, source);
    }
    after = page.at(-1)!.id;
  }
  const cubes = new Set([...datasets.values()].map((d) => d.cubeMm ?? DEFAULT_CUBE_MM));
  const cubeMm = cubes.size === 1 ? [...cubes][0]! : DEFAULT_CUBE_MM;
  const cache = await ensureCropCache(
    join(project.cacheDir, `crops-${inputSize}.bin`),
    { cubeMm, inputSize, detector: {} },
    sources,
  );
  store.setCentres(
    cache.sampleIds.flatMap((sampleId) => {
      const frame = cache.frame(sampleId);
      return frame ? [{ sampleId, u: frame.u, v: frame.v, d: frame.d }] : [];
    }),
  );
  return {
    cache,
    cubeMm,
    inputSize,
    intrinsicsOf: (sampleId) => {
      const camera = intrinsics.get(sampleId);
      if (!camera) throw new AppError('unsupported', `sample ${sampleId} has no camera intrinsics`);
      return camera;
    },
    sourceOf: (sampleId) => {
      const source = sourceById.get(sampleId);
      if (!source) throw new AppError('unsupported', `sample ${sampleId} has no depth image`);
      return source;
    },
  };
}

export interface CropBatch {
  sampleIds: number[];
  frames: CropFrame[];
  x: Float32Array;
  geometry: CropGeometry;
}

/** Crops and geometry of the samples whose hand was found; the others are left out (and counted by the caller). */
export async function readCrops(crops: ProjectCrops, sampleIds: readonly number[]): Promise<CropBatch> {
  const kept = sampleIds.filter((id) => crops.cache.frame(id));
  const frames = kept.map((id) => crops.cache.frame(id)!);
  return {
    sampleIds: kept,
    frames,
    x: await crops.cache.read(kept),
    geometry: geometryOf(crops, kept, frames),
  };
}

/**
 * The crops of `batch`'s samples cut again around explicit centres (image px, px, mm; one per row), e.g. refined
 * centres or the labelled joints' centroids. A row whose new window leaves the padded frame keeps its crop from
 * `batch`, so rows stay aligned with `batch.sampleIds`.
 */
export async function readCropsAt(
  crops: ProjectCrops,
  batch: CropBatch,
  centres: readonly { u: number; v: number; d: number }[],
): Promise<CropBatch> {
  const pixels = crops.inputSize * crops.inputSize;
  const x = new Float32Array(batch.sampleIds.length * pixels);
  const cut = await cropsAtCentres(
    batch.sampleIds.map((id) => crops.sourceOf(id)),
    centres,
    { cubeMm: crops.cubeMm, inputSize: crops.inputSize },
    x,
  );
  const frames = cut.map((frame, i) => {
    if (frame) return frame;
    x.set(batch.x.subarray(i * pixels, (i + 1) * pixels), i * pixels);
    return batch.frames[i]!;
  });
  return { sampleIds: batch.sampleIds, frames, x, geometry: geometryOf(crops, batch.sampleIds, frames) };
}

function geometryOf(
  crops: ProjectCrops,
  kept: readonly number[],
  frames: readonly CropFrame[],
): CropGeometry {
  const geometry: CropGeometry = {
    centre: new Float64Array(kept.length * 3),
    cropSize: new Float64Array(kept.length),
    cube: new Float64Array(kept.length).fill(crops.cubeMm),
    intrinsics: new Float64Array(kept.length * 4),
  };
  kept.forEach((id, i) => {
    const frame = frames[i]!;
    const camera = crops.intrinsicsOf(id);
    geometry.centre.set([frame.u, frame.v, frame.d], i * 3);
    geometry.cropSize[i] = frame.side;
    geometry.intrinsics.set([camera.fx, camera.fy, camera.cx, camera.cy], i * 4);
  });
  return geometry;
}
