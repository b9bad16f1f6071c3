import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { AppError } from '@shared/errors';
import type { McOptions } from '../../models/deepprior/inference';
import { aggregatePasses } from '../../mc_stats';
import { SLOT_ORDER } from '../../models/deepprior/model';
import type { DeepPriorConfig, DropoutSlot } from '../../models/deepprior/types';
import type { NamedWeights } from '../../models/named-weights';
import type { Vl4PoseAuxConfig } from '../../models/vl4pose-aux/types';
import { linksOf } from '../../models/vl4pose-aux/validate';
import { fillDropoutMask, mixSeed } from '../../ops/seeds';
import type { McResult } from '../../protocol';
import type { OnnxRuntime } from '../choice';
import { deepPriorOnnxGraph, dropoutRowShapes, maskInputName } from './deepprior-graph';

/**
 * Sample·pass rows per session run. Enough to amortise the per-run cost and share the deterministic layers across a
 * sample's passes (M = 40 runs one sample's 40 passes at once), few enough that the paper net's widest activations
 * (40 × 184,512 floats after conv1) stay near the cache.
 */
const ROWS_PER_RUN = 40;

export interface OnnxMcOptions extends McOptions {
  /** Checked between session runs (a run must not be interrupted); true stops with AppError('cancelled'). */
  stopRequested?: () => boolean;
}

/** A checkpoint's DeepPrior net loaded into an ONNX Runtime session of this thread. */
export interface OnnxMcNet {
  ort: OnnxRuntime;
  session: InferenceSession;
  config: DeepPriorConfig;
  aux: Vl4PoseAuxConfig | null;
  /** Releases the session's native memory. */
  dispose(): Promise<void>;
}

/** Exports the checkpoint's weights to an ONNX graph and opens it on one CPU thread (one worker per core). */
export async function createOnnxMcNet(
  ort: OnnxRuntime,
  config: DeepPriorConfig,
  aux: Vl4PoseAuxConfig | null,
  weights: NamedWeights,
): Promise<OnnxMcNet> {
  const session = await ort.InferenceSession.create(deepPriorOnnxGraph(config, aux, weights), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return { ort, session, config, aux, dispose: () => session.release() };
}

/**
 * MC-dropout inference on ONNX Runtime with the same results as `runMcInference` (TF.js) up to float rounding: the
 * masks of (sample, pass) come from the same seeds, and the statistics from the same `aggregatePasses`. Samples are
 * taken in `options.batchSize` batches as in TF.js, so any split of the work over workers gives the same numbers.
 */
export async function runOnnxMcInference(
  net: OnnxMcNet,
  x: Float32Array,
  count: number,
  options: OnnxMcOptions,
  onBatch: (samplePasses: number) => void,
): Promise<McResult> {
  const { config } = net;
  const bayesian = config.variant !== 'plain';
  const passes = bayesian ? options.passes : 1;
  const passesPerRun = Math.min(passes, ROWS_PER_RUN);
  const samplesPerRun = Math.max(1, Math.floor(ROWS_PER_RUN / passesPerRun));
  const result = emptyResult(net, count);
  const masks = new MaskFeeds(net, options);
  const pixels = config.inputSize * config.inputSize;
  for (let batch = 0; batch < count; batch += options.batchSize) {
    const batchEnd = Math.min(count, batch + options.batchSize);
    for (let start = batch; start < batchEnd; start += samplesPerRun) {
      const n = Math.min(samplesPerRun, batchEnd - start);
      const input = new net.ort.Tensor('float32', x.subarray(start * pixels, (start + n) * pixels), [
        n,
        1,
        config.inputSize,
        config.inputSize,
      ]);
      const sums = new PassSums(net, n, passes);
      for (let pass = 0; pass < passes; pass += passesPerRun) {
        const m = Math.min(passesPerRun, passes - pass);
        if (options.stopRequested?.() === true) throw new AppError('cancelled', 'cancelled');
        const outputs = await net.session.run({ x: input, ...masks.fill(start, n, pass, m) });
        sums.add(outputs, pass, m);
        onBatch(n * m);
      }
      sums.writeInto(result, start);
    }
  }
  return result;
}

/** Per-pass outputs of one run's samples, gathered for `aggregatePasses` and the pass means. */
class PassSums {
  private readonly means: Float32Array[];
  private readonly logVars: Float32Array[] | null;
  private readonly embedding: Float64Array;
  private readonly aux: Float64Array | null;
  private readonly auxWidth: number;

  constructor(
    private readonly net: OnnxMcNet,
    private readonly n: number,
    private readonly passes: number,
  ) {
    const { outputs, denseUnits, variant } = net.config;
    this.means = Array.from({ length: passes }, () => new Float32Array(n * outputs));
    this.logVars =
      variant === 'plain' ? null : Array.from({ length: passes }, () => new Float32Array(n * outputs));
    this.embedding = new Float64Array(n * denseUnits[1]);
    this.auxWidth = net.aux === null ? 0 : 2 * linksOf(net.aux.parents).length * net.aux.dims;
    this.aux = net.aux === null ? null : new Float64Array(n * this.auxWidth);
  }

  /** Adds the outputs of passes [firstPass, firstPass + m) (rows sample-major). */
  add(outputs: InferenceSession.OnnxValueMapType, firstPass: number, m: number): void {
    const read = (name: string): Float32Array => (outputs[name] as Tensor).data as Float32Array;
    const { outputs: width, denseUnits } = this.net.config;
    const [mean, features] = [read('mean'), read('features')];
    const logVar = this.logVars === null ? null : read('logvar');
    const aux = this.aux === null ? null : read('aux');
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < m; j++) {
        const row = i * m + j;
        this.means[firstPass + j]!.set(mean.subarray(row * width, (row + 1) * width), i * width);
        if (logVar !== null)
          this.logVars![firstPass + j]!.set(logVar.subarray(row * width, (row + 1) * width), i * width);
        addRow(this.embedding, i * denseUnits[1], features, row * denseUnits[1], denseUnits[1]);
        if (aux !== null) addRow(this.aux!, i * this.auxWidth, aux, row * this.auxWidth, this.auxWidth);
      }
    }
  }

  /** Writes the statistics of the n samples into `result` at sample `start`. */
  writeInto(result: McResult, start: number): void {
    const { outputs, denseUnits } = this.net.config;
    const stats = aggregatePasses(
      this.means,
      this.logVars === null ? null : { logVars: this.logVars, loss: this.net.config.loss },
    );
    result.mean.set(stats.mean, start * outputs);
    result.std.set(stats.std, start * outputs);
    if (stats.aleatoric !== null) result.aleatoric?.set(stats.aleatoric, start * outputs);
    if (stats.meanLogVar !== null) result.meanLogVar?.set(stats.meanLogVar, start * outputs);
    const scale = 1 / this.passes;
    result.embedding.set(
      Float32Array.from(this.embedding, (v) => v * scale),
      start * denseUnits[1],
    );
    if (result.aux !== null && this.aux !== null) {
      const half = this.auxWidth / 2;
      for (let i = 0; i < this.n; i++) {
        for (let c = 0; c < half; c++) {
          result.aux.offsetMean[(start + i) * half + c] = this.aux[i * this.auxWidth + c]! * scale;
          result.aux.offsetLogVar[(start + i) * half + c] = this.aux[i * this.auxWidth + half + c]! * scale;
        }
      }
    }
  }
}

/** The mask inputs of one run, drawn exactly as `DeepPriorModel` draws them, into buffers reused across runs. */
class MaskFeeds {
  private readonly slots: [DropoutSlot, number[]][];
  private readonly buffers = new Map<DropoutSlot, Float32Array>();

  constructor(
    private readonly net: OnnxMcNet,
    private readonly options: McOptions,
  ) {
    this.slots = [...dropoutRowShapes(net.config)];
  }

  /** Masks of samples [start, start + n) × passes [firstPass, firstPass + m), rows sample-major. */
  fill(start: number, n: number, firstPass: number, m: number): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = {};
    const { seed, firstIndex } = this.options;
    this.slots.forEach(([slot, rowShape], index) => {
      const perRow = rowShape.reduce((a, b) => a * b, 1);
      const values = this.buffer(slot, n * m * perRow);
      const slotKey = SLOT_ORDER.indexOf(slot);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          const rowSeed = mixSeed(seed, firstIndex + start + i, firstPass + j);
          const offset = (i * m + j) * perRow;
          fillDropoutMask(values, offset, perRow, mixSeed(rowSeed, slotKey), this.net.config.dropoutRate);
        }
      }
      const dims = index === 0 ? [n, m, ...rowShape] : [n * m, ...rowShape];
      feeds[maskInputName(slot)] = new this.net.ort.Tensor('float32', values, dims);
    });
    return feeds;
  }

  private buffer(slot: DropoutSlot, size: number): Float32Array {
    let buffer = this.buffers.get(slot);
    if (buffer === undefined || buffer.length < size) {
      buffer = new Float32Array(size);
      this.buffers.set(slot, buffer);
    }
    return buffer.subarray(0, size);
  }
}

function emptyResult(net: OnnxMcNet, count: number): McResult {
  const { outputs, denseUnits, variant } = net.config;
  const bayesian = variant !== 'plain';
  const links = net.aux === null ? [] : linksOf(net.aux.parents);
  const auxWidth = net.aux === null ? 0 : links.length * net.aux.dims;
  return {
    mean: new Float32Array(count * outputs),
    std: new Float32Array(count * outputs),
    aleatoric: bayesian ? new Float32Array(count * outputs) : null,
    meanLogVar: bayesian ? new Float32Array(count * outputs) : null,
    embedding: new Float32Array(count * denseUnits[1]),
    embeddingSize: denseUnits[1],
    aux:
      net.aux === null
        ? null
        : {
            links,
            dims: net.aux.dims,
            offsetMean: new Float32Array(count * auxWidth),
            offsetLogVar: new Float32Array(count * auxWidth),
          },
  };
}

function addRow(sum: Float64Array, at: number, values: Float32Array, from: number, length: number): void {
  for (let k = 0; k < length; k++) sum[at + k] = sum[at + k]! + values[from + k]!;
}
