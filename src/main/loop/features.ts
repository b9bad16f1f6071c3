import type { LoopProject } from './context';
import { projectCrops, readCrops } from './depth/crops';
import { readPersonCrops } from './rgb/crops';

/** Side of the downsampled crop used as an image-space feature for seed selection (no model exists yet). */
const FEATURE_SIZE = 32;

/**
 * Downsampled crops as image-space features of the pool and the labelled set: depth hand crops, or RGB person crops
 * (pool images need a box). Samples without a crop are left out; `sampleIds` say which rows are which.
 */
export async function imageFeatures(project: LoopProject, pool: readonly number[], train: readonly number[]) {
  if (project.modality === 'rgb') {
    const labelOf = (id: number) => project.store.annotations.get(id)?.joints ?? null;
    const [batch, labelled] = [
      await readPersonCrops(project, pool, FEATURE_SIZE),
      await readPersonCrops(project, train, FEATURE_SIZE, labelOf),
    ];
    return { batch, labelled, dims: FEATURE_SIZE ** 2 * 3 };
  }
  const crops = await projectCrops(project, FEATURE_SIZE);
  const [batch, labelled] = await Promise.all([readCrops(crops, pool), readCrops(crops, train)]).finally(() =>
    crops.cache.close(),
  );
  return { batch, labelled, dims: FEATURE_SIZE ** 2 };
}
