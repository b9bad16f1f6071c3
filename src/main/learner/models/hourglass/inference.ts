import * as tf from '@tensorflow/tfjs';
import { peaksWithFallback } from '@shared/pose2d/likelihood';
import { subpixelLocation } from '@shared/pose2d/metrics';
import { gridToCrop } from '@shared/pose2d/targets';
import { aggregatePasses } from '../../mc_stats';
import type { HeatmapAuxNet } from './aux';
import type { HourglassModel, HourglassPrefix } from './model';
import type { HourglassConfig } from './types';
import { mixSeed } from '../../ops/seeds';
import type { HeatmapPeakOptions, HeatmapPrediction } from '../../protocol';

export interface HeatmapMcOptions {
  /** Global index of row 0 (masks are keyed by (seed, global index, pass), so any split gives the same numbers). */
  firstIndex: number;
  /** M; 1 turns dropout off (one deterministic pass). */
  passes: number;
  seed: number;
  batchSize: number;
  peaks: HeatmapPeakOptions;
  /**
   * Flip averaging (test-time augmentation): every pass also runs on the mirrored crop, with the same dropout masks,
   * and its heatmaps are mirrored back with the mirror pairs' channels swapped and averaged with the plain ones.
   * Twice the inference cost. `flipAveraging(config)` says where it is valid.
   */
  flip: boolean;
}

/**
 * Flip averaging is valid for a model trained with flip augmentation: that training already treats "mirror the crop,
 * swap the mirror pairs" as preserving the pose, so the mirrored prediction is a second opinion of equal standing.
 */
export function flipAveraging(config: HourglassConfig): boolean {
  return config.augmentation.flipProbability > 0;
}

/** The heatmap channel order of a mirrored crop's prediction: each mirror pair's two channels swapped. */
function mirroredChannels(config: HourglassConfig): number[] {
  const channels = Array.from({ length: config.joints }, (_, j) => j);
  for (const [left, right] of config.mirrorPairs) [channels[left], channels[right]] = [right, left];
  return channels;
}

/**
 * Default md for the prediction peaks: 8 at G = 64 (the reference's VL4Pose setting), 2 at G = 32. The target
 * Gaussian's σ = 1.75 grid px does not shrink with G, so md shrinks faster than G to still separate nearby joints on
 * coarse grids: max(1, round(8·(G/64)²)).
 */
export function defaultPeakMinDistance(gridSize: number): number {
  return Math.max(1, Math.round(8 * (gridSize / 64) ** 2));
}

/**
 * MC-dropout inference of the heatmap model on x (N×S×S×3). Per batch, everything before the first dropout is
 * computed once and the M passes run from there; with one stack the auxiliary heads (which read the undropped taps)
 * run once, while the embedding (the last features block, after a dropout site) is averaged over every pass. Per sample it keeps
 * summaries only: the mean last-stack heatmap's sub-pixel location, peak value and local maxima, the spread of the
 * per-pass locations, and the pass means of the auxiliary outputs and the embedding. With `flip`, each pass's heatmaps
 * and embedding are the mean of the plain and the mirrored crop's (the auxiliary heads read the plain crop's taps).
 */
export function runHeatmapInference(
  model: HourglassModel,
  aux: HeatmapAuxNet | null,
  x: Float32Array,
  count: number,
  options: HeatmapMcOptions,
  onBatch: (samplePasses: number) => void,
): HeatmapPrediction {
  const { inputSize: s, gridSize: g, joints: j, links, channels } = model.config;
  const cells = g * g;
  const passes = Math.max(1, options.passes);
  const maxPeaks = options.peaks.maxPeaks;
  const heads = aux?.heads;
  const prediction: HeatmapPrediction = {
    count,
    joints: j,
    links: links.length,
    gridSize: g,
    inputSize: s,
    location: new Float32Array(count * j * 2),
    locationStd: new Float32Array(count * j * 2),
    peakValue: new Float32Array(count * j),
    peaks: new Float32Array(count * j * maxPeaks * 3).fill(Number.NaN),
    maxPeaks,
    linkParams: heads?.vl4pose ? new Float32Array(count * links.length * 2) : null,
    aleatoricLogVar: heads?.aleatoric ? new Float32Array(count * j) : null,
    predictedLoss: heads?.learningLoss ? new Float32Array(count) : null,
    embedding: new Float32Array(count * channels),
    embeddingSize: channels,
  };
  // Outputs averaged over passes, in the order the pass returns them: the embedding (every pass: the features vary
  // with dropout), then the enabled heads (only the passes where their taps vary, i.e. every pass with 2+ stacks).
  const passMeans = [
    prediction.embedding,
    prediction.linkParams,
    prediction.aleatoricLogVar,
    prediction.predictedLoss,
  ].filter((target): target is Float32Array => target !== null);
  const headsVaryByPass = model.config.stacks > 1;
  const headPasses = headsVaryByPass ? passes : 1;
  const passesOf = (k: number): number => (k === 0 ? passes : headPasses);
  const swapSides = mirroredChannels(model.config);
  for (let start = 0; start < count; start += options.batchSize) {
    const n = Math.min(options.batchSize, count - start);
    const crops = tf.tensor4d(x.subarray(start * s * s * 3, (start + n) * s * s * 3), [n, s, s, 3]);
    const prefix = tf.tidy(() => model.prefix(crops));
    const mirrored: HourglassPrefix | null = options.flip
      ? tf.tidy(() => model.prefix(tf.reverse(crops, 2)))
      : null;
    crops.dispose();
    const heatmapSum = new Float64Array(n * j * cells);
    const passLocations: Float32Array[] = [];
    const sums = passMeans.map((target) => new Float64Array((target.length / count) * n));
    for (let pass = 0; pass < passes; pass++) {
      const rowSeeds =
        passes > 1
          ? (row: number) => mixSeed(options.seed, options.firstIndex + start + row, pass)
          : undefined;
      const withHeads = pass < headPasses;
      // [last-stack maps as n×J×G×G, the embedding, then (withHeads) the heads' `passMeans` outputs].
      const tensors = tf.tidy((): tf.Tensor[] => {
        const output = model.suffix(prefix, undefined, rowSeeds);
        let last = output.heatmaps.at(-1)!;
        let embedding = output.penultimate;
        if (mirrored) {
          const mirror = model.suffix(mirrored, undefined, rowSeeds);
          // Mirrored back: columns reversed, each pair's channels swapped.
          const back = tf.gather(tf.reverse(mirror.heatmaps.at(-1)!, 2), swapSides, 3);
          last = tf.div(tf.add(last, back), 2);
          embedding = tf.div(tf.add(embedding, mirror.penultimate), 2);
        }
        const maps = tf.transpose(last, [0, 3, 1, 2]);
        if (!withHeads) return [maps, embedding];
        const head = aux?.apply(output.taps);
        const optional = [head?.linkParams, head?.aleatoricLogVar, head?.predictedLoss];
        return [maps, embedding, ...optional.filter((t): t is tf.Tensor2D | tf.Tensor1D => t != null)];
      });
      const values = tensors.map((t) => t.dataSync() as Float32Array);
      tf.dispose(tensors);
      const mapValues = values[0]!;
      const locations = new Float32Array(n * j * 2);
      for (let m = 0; m < n * j; m++) {
        const map = mapValues.subarray(m * cells, (m + 1) * cells);
        const found = subpixelLocation(map, g, g);
        locations[2 * m] = found.row;
        locations[2 * m + 1] = found.col;
        for (let c = 0; c < cells; c++) heatmapSum[m * cells + c] = heatmapSum[m * cells + c]! + map[c]!;
      }
      passLocations.push(locations);
      values.slice(1).forEach((passValues, k) => {
        const sum = sums[k]!;
        for (let i = 0; i < passValues.length; i++) sum[i] = sum[i]! + passValues[i]!;
      });
      onBatch(n);
    }
    tf.dispose(mirrored === null ? prefix : [prefix, mirrored]);
    const spread = aggregatePasses(passLocations, null).std;
    for (let m = 0; m < n * j; m++) {
      const mean = Float32Array.from(heatmapSum.subarray(m * cells, (m + 1) * cells), (v) => v / passes);
      const at = start * j + m;
      const found = subpixelLocation(mean, g, g);
      prediction.location[2 * at] = gridToCrop(found.row, s, g);
      prediction.location[2 * at + 1] = gridToCrop(found.col, s, g);
      prediction.locationStd[2 * at] = gridToCrop(spread[2 * m]!, s, g);
      prediction.locationStd[2 * at + 1] = gridToCrop(spread[2 * m + 1]!, s, g);
      const peaks = peaksWithFallback(mean, g, g, { ...options.peaks, excludeBorder: false });
      prediction.peakValue[at] = Math.max(...mean);
      peaks.forEach((peak, k) =>
        prediction.peaks.set([peak.row, peak.col, peak.value], (at * maxPeaks + k) * 3),
      );
    }
    passMeans.forEach((target, k) => {
      const sum = sums[k]!;
      const width = sum.length / n;
      for (let v = 0; v < sum.length; v++) target[start * width + v] = sum[v]! / passesOf(k);
    });
  }
  return prediction;
}
