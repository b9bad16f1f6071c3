import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@shared/random';
import { globalArgmax } from '@shared/pose2d/peaks';
import { renderTargetHeatmaps, type TargetJoint } from '@shared/pose2d/targets';
import { augmentSample, drawAugmentation, IDENTITY_AUGMENTATION } from './augment';
import type { HeatmapLabelledCrops } from '../../protocol';
import type { HourglassConfig } from './types';

/** One mini-batch with every training target (spec §3.1, §3.5, §5.1, §5.2), rows in batch order. */
export interface HeatmapBatch {
  count: number;
  /** n×S×S×3 network input (augmented). */
  x: Float32Array;
  /** n×G×G×J GT heatmaps (NHWC, like the model output), peak HEATMAP_PEAK. */
  heatmaps: Float32Array;
  /** n×J joint-exists flags (0/1). */
  exists: Float32Array;
  /** n×J×2 integer (row, col) argmax of each GT map, grid px. */
  argmax: Float32Array;
  /** n×L grid-px distance between the GT argmaxes of each link's parent and child. */
  linkDistances: Float32Array;
  /** n×L: 1 when both joints of the link exist. */
  linkMask: Float32Array;
  /** n: annotated joints (visibility ≥ 0), the learning-loss normaliser n_gt. */
  annotated: Float32Array;
  /** n×J×2 joint positions after augmentation, crop px. */
  joints: Float32Array;
  /** n×J visibility after augmentation (a flip swaps mirror pairs). */
  visibility: Int8Array;
}

/**
 * Fills batches from a labelled set, reusing its buffers (a batch is valid until the next `fill`). With an rng, each
 * sample gets a random flip/scale/rotation/shift drawn in batch order, so a seed fixes the whole run.
 */
export class HeatmapBatchBuilder {
  private readonly batch: HeatmapBatch;
  private readonly mapsJgg: Float32Array;

  constructor(
    private readonly config: HourglassConfig,
    capacity: number,
  ) {
    const { inputSize: s, gridSize: g, joints: j, links } = config;
    this.batch = {
      count: 0,
      x: new Float32Array(capacity * s * s * 3),
      heatmaps: new Float32Array(capacity * g * g * j),
      exists: new Float32Array(capacity * j),
      argmax: new Float32Array(capacity * j * 2),
      linkDistances: new Float32Array(capacity * links.length),
      linkMask: new Float32Array(capacity * links.length),
      annotated: new Float32Array(capacity),
      joints: new Float32Array(capacity * j * 2),
      visibility: new Int8Array(capacity * j),
    };
    this.mapsJgg = new Float32Array(j * g * g);
  }

  /**
   * Rows `order[from..from+n)` of `source` (or from..from+n when `order` is null). With `keep`, only the rows
   * [keep.from, keep.from + keep.count) of those are built (a data-parallel worker's shard), though every row's
   * augmentation is still drawn, so the rng moves on as for the whole batch.
   */
  fill(
    source: HeatmapLabelledCrops,
    order: Int32Array | null,
    from: number,
    n: number,
    rng: Rng | null,
    keep: { from: number; count: number } = { from: 0, count: n },
  ): HeatmapBatch {
    const { inputSize: s, joints: j, augmentation, mirrorPairs } = this.config;
    const pixels = s * s * 3;
    const batch = this.batch;
    batch.count = keep.count;
    for (let row = 0; row < n; row++) {
      const i = order === null ? from + row : order[from + row]!;
      const transform = rng === null ? IDENTITY_AUGMENTATION : drawAugmentation(rng, augmentation, s);
      const r = row - keep.from;
      if (r < 0 || r >= keep.count) continue;
      augmentSample(
        s,
        transform,
        mirrorPairs,
        {
          image: source.x.subarray(i * pixels, (i + 1) * pixels),
          joints: source.joints.subarray(i * j * 2, (i + 1) * j * 2),
          visibility: source.visibility.subarray(i * j, (i + 1) * j),
        },
        {
          image: batch.x.subarray(r * pixels, (r + 1) * pixels),
          joints: batch.joints.subarray(r * j * 2, (r + 1) * j * 2),
          visibility: batch.visibility.subarray(r * j, (r + 1) * j),
        },
      );
      this.writeTargets(r);
    }
    return batch;
  }

  private writeTargets(r: number): void {
    const { inputSize: s, gridSize: g, joints: j, links } = this.config;
    const batch = this.batch;
    const targets: TargetJoint[] = Array.from({ length: j }, (_, k) => ({
      row: batch.joints[(r * j + k) * 2]!,
      col: batch.joints[(r * j + k) * 2 + 1]!,
      visibility: batch.visibility[r * j + k] as TargetJoint['visibility'],
    }));
    const { exists } = renderTargetHeatmaps(targets, s, g, this.mapsJgg);
    const cells = g * g;
    let annotated = 0;
    for (let k = 0; k < j; k++) {
      const map = this.mapsJgg.subarray(k * cells, (k + 1) * cells);
      // J×G×G → G×G×J (NHWC).
      for (let cell = 0; cell < cells; cell++) batch.heatmaps[(r * cells + cell) * j + k] = map[cell]!;
      const peak = globalArgmax(map, g, g);
      batch.argmax[(r * j + k) * 2] = peak.row;
      batch.argmax[(r * j + k) * 2 + 1] = peak.col;
      batch.exists[r * j + k] = exists[k]!;
      if (targets[k]!.visibility >= 0) annotated++;
    }
    batch.annotated[r] = annotated;
    links.forEach(([parent, child], l) => {
      const at = (i: number): number => (r * j + i) * 2;
      batch.linkDistances[r * links.length + l] = Math.hypot(
        batch.argmax[at(parent)]! - batch.argmax[at(child)]!,
        batch.argmax[at(parent) + 1]! - batch.argmax[at(child) + 1]!,
      );
      batch.linkMask[r * links.length + l] = exists[parent]! * exists[child]!;
    });
  }
}

export type BatchTensors = ReturnType<typeof batchTensors>;

/** The batch's arrays as tensors (call inside tf.tidy). */
export function batchTensors(batch: HeatmapBatch, config: HourglassConfig) {
  const n = batch.count;
  const { inputSize: s, gridSize: g, joints: j, links } = config;
  const l = links.length;
  return {
    x: tf.tensor4d(batch.x.subarray(0, n * s * s * 3), [n, s, s, 3]),
    heatmaps: tf.tensor4d(batch.heatmaps.subarray(0, n * g * g * j), [n, g, g, j]),
    exists: tf.tensor2d(batch.exists.subarray(0, n * j), [n, j]),
    linkDistances: tf.tensor2d(batch.linkDistances.subarray(0, n * l), [n, l]),
    linkMask: tf.tensor2d(batch.linkMask.subarray(0, n * l), [n, l]),
    annotated: tf.tensor1d(batch.annotated.subarray(0, n)),
  };
}
