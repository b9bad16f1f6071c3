import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { cropRgb, personCrop, type PersonCrop } from '../../datasets';
import { loadRgb } from '../../datasets/node';
import type { LoopProject } from '../context';
import { labelBox } from './geometry';

/** Person crops of some samples, in row order; samples without a box (and no label to make one from) are left out. */
export interface PersonCrops {
  sampleIds: number[];
  crops: PersonCrop[];
  /** N×S×S×3 RGB, pixel/256. */
  x: Float32Array;
  size: number;
}

/**
 * Decodes and crops the given samples around their person box — the stored one (imported or drawn), else the box
 * around the label's joints (`labelOf`). One image at a time: a 1280×720 photo is 3.7 MB decoded. An image that
 * cannot be read (truncated, deleted) is left out with a warning, like a sample without a box: one bad file never
 * fails a round.
 */
export async function readPersonCrops(
  project: LoopProject,
  sampleIds: readonly number[],
  size: number,
  labelOf: (sampleId: number) => readonly Joint[] | null = () => null,
  signal?: AbortSignal,
): Promise<PersonCrops> {
  const { store } = project;
  const roots = new Map(store.listDatasets().map((d) => [d.id, d.root]));
  const boxed: { sampleId: number; crop: PersonCrop }[] = [];
  for (const sampleId of sampleIds) {
    const sample = store.requireSample(sampleId);
    const box = sample.box ?? labelBox(labelOf(sampleId));
    if (box) boxed.push({ sampleId, crop: personCrop(box) });
  }
  const pixels = size * size * 3;
  const x = new Float32Array(boxed.length * pixels);
  const kept: typeof boxed = [];
  for (const entry of boxed) {
    if (signal?.aborted) throw new AppError('cancelled', 'cancelled');
    const sample = store.requireSample(entry.sampleId);
    const at = kept.length * pixels;
    try {
      const image = await loadRgb(roots.get(sample.datasetId)!, sample);
      cropRgb(image.rgba, image.width, image.height, entry.crop, size, x.subarray(at, at + pixels));
      kept.push(entry);
    } catch (error) {
      console.warn(`poseloop: skipping sample ${entry.sampleId} (${sample.imagePath}): ${String(error)}`);
    }
  }
  return {
    sampleIds: kept.map((k) => k.sampleId),
    crops: kept.map((k) => k.crop),
    x: kept.length === boxed.length ? x : x.slice(0, kept.length * pixels),
    size,
  };
}

/** Some rows of a batch of crops, in the given order. */
export function pickBatch(batch: PersonCrops, picks: readonly number[]): PersonCrops {
  return {
    sampleIds: picks.map((r) => batch.sampleIds[r]!),
    crops: picks.map((r) => batch.crops[r]!),
    x: pickRows(batch.x, picks, batch.size * batch.size * 3),
    size: batch.size,
  };
}

/** Rows `picks` (each `width` values) of a flat array, in that order. */
export function pickRows<T extends Float32Array | Int8Array>(
  values: T,
  picks: readonly number[],
  width: number,
): T {
  const out = new (values.constructor as new (n: number) => T)(picks.length * width);
  picks.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
  return out;
}
