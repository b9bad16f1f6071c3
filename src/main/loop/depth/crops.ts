import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { Intrinsics } from '@shared/domain';
import type { CropFrame } from '../../datasets';
import { ensureCropCache, loadDepth, type CropCache, type CropSource } from '../../datasets/node';
import type { CropGeometry } from '../../learner';
import type { LoopProject } from '../context';

/** Cube side used when a dataset does not declare one (spec §1.2 step 3). */
const DEFAULT_CUBE_MM = 300;

export interface ProjectCrops {
  cache: CropCache;
  cubeMm: number;
  inputSize: number;
  intrinsicsOf(sampleId: number): Intrinsics;
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
  for (let after = 0; ;) {
    const page = store.listSamples({ after, limit: 1000 });
    if (page.length === 0) break;
    for (const sample of page) {
      const dataset = datasets.get(sample.datasetId)!;
      if (sample.modality !== 'depth' || !dataset.intrinsics) continue;
      const camera = JSON.parse(dataset.intrinsics) as Intrinsics;
      intrinsics.set(sample.id, camera);
      sources.push({ sampleId: sample.id, intrinsics: camera, load: () => loadDepth(dataset.root, sample) });
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
  return { sampleIds: kept, frames, x: await crops.cache.read(kept), geometry };
}
