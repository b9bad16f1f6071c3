import * as tf from '@tensorflow/tfjs';
import { aggregatePasses } from '../../mc_stats';
import type { DeepPriorModel } from './model';
import type { Vl4PoseAuxHead } from '../vl4pose-aux/model';
import { mixSeed } from '../../ops/seeds';
import type { McResult } from '../../protocol';

export interface McOptions {
  /** Global index of row 0 (masks are keyed by (seed, global index, pass), so any split gives the same numbers). */
  firstIndex: number;
  passes: number;
  seed: number;
  batchSize: number;
}

/**
 * MC-dropout inference (spec §4): for each batch, M passes with fresh seeded masks; per coordinate the predictive
 * mean, population std, aleatoric variance and mean log-var; the mean penultimate features; the mean VL4Pose head
 * outputs. The plain model runs one deterministic pass (std = 0). `x` is N×S×S at the model's input size.
 */
export function runMcInference(
  model: DeepPriorModel,
  aux: Vl4PoseAuxHead | null,
  x: Float32Array,
  count: number,
  options: McOptions,
  onBatch: (samplePasses: number) => void,
): McResult {
  const { inputSize: side, outputs } = model.config;
  const embeddingSize = model.config.denseUnits[1];
  const passes = model.bayesian ? options.passes : 1;
  const auxWidth = aux === null ? 0 : aux.links.length * aux.config.dims;
  const result: McResult = {
    mean: new Float32Array(count * outputs),
    std: new Float32Array(count * outputs),
    aleatoric: model.bayesian ? new Float32Array(count * outputs) : null,
    meanLogVar: model.bayesian ? new Float32Array(count * outputs) : null,
    embedding: new Float32Array(count * embeddingSize),
    embeddingSize,
    aux:
      aux === null
        ? null
        : {
            links: aux.links,
            dims: aux.config.dims,
            offsetMean: new Float32Array(count * auxWidth),
            offsetLogVar: new Float32Array(count * auxWidth),
          },
  };
  for (let start = 0; start < count; start += options.batchSize) {
    const n = Math.min(options.batchSize, count - start);
    const xBatch = tf.tensor4d(x.subarray(start * side * side, (start + n) * side * side), [
      n,
      side,
      side,
      1,
    ]);
    const passMeans: Float32Array[] = [];
    const passLogVars: Float32Array[] = [];
    const embeddingSum = new Float64Array(n * embeddingSize);
    const auxSums = [new Float64Array(n * auxWidth), new Float64Array(n * auxWidth)] as const;
    for (let pass = 0; pass < passes; pass++) {
      const rowSeeds = model.bayesian
        ? (row: number) => mixSeed(options.seed, options.firstIndex + start + row, pass)
        : undefined;
      // tidy keeps only tensors: [mean, features, logVar?, offsetMean?, offsetLogVar?].
      const tensors = tf.tidy(() => {
        const output = model.apply(xBatch, rowSeeds);
        const head = aux === null ? null : aux.apply(output.features);
        return [
          output.mean,
          output.features,
          ...(output.logVar === null ? [] : [output.logVar]),
          ...(head === null ? [] : [head.offsetMean, head.offsetLogVar]),
        ];
      });
      const read = (i: number): Float32Array => tensors[i]!.dataSync() as Float32Array;
      passMeans.push(read(0));
      addInto(embeddingSum, read(1));
      const next = model.bayesian ? 3 : 2;
      if (model.bayesian) passLogVars.push(read(2));
      if (aux !== null) {
        addInto(auxSums[0], read(next));
        addInto(auxSums[1], read(next + 1));
      }
      tf.dispose(tensors);
      onBatch(n);
    }
    xBatch.dispose();
    const stats = aggregatePasses(
      passMeans,
      model.bayesian ? { logVars: passLogVars, loss: model.config.loss } : null,
    );
    result.mean.set(stats.mean, start * outputs);
    result.std.set(stats.std, start * outputs);
    if (stats.aleatoric !== null) result.aleatoric?.set(stats.aleatoric, start * outputs);
    if (stats.meanLogVar !== null) result.meanLogVar?.set(stats.meanLogVar, start * outputs);
    result.embedding.set(scaled(embeddingSum, 1 / passes), start * embeddingSize);
    if (result.aux !== null) {
      result.aux.offsetMean.set(scaled(auxSums[0], 1 / passes), start * auxWidth);
      result.aux.offsetLogVar.set(scaled(auxSums[1], 1 / passes), start * auxWidth);
    }
  }
  return result;
}

function addInto(sum: Float64Array, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) sum[i] = sum[i]! + values[i]!;
}

function scaled(values: Float64Array, factor: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * factor;
  return out;
}
