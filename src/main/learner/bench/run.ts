import type { BackendChoice, BackendName } from '../backend';
import type { McEngineName } from '../engines';
import { createLearner as createDepthLearner } from '../models/deepprior/learner';
import type { HourglassPreset } from '../models/hourglass/types';
import { runInWorker } from '../node/pool';
import { optionalBackend, optionalSignal } from '../node/run';
import type { BenchJob, BenchResult, HeatmapBenchJob, HeatmapBenchResult } from '../protocol';
import { POOL_PASSES, timePoolScoring, type PoolRun } from './pool';
import { runTorchReference, type TorchReference } from './torch';

/** What both benchmarks take besides the preset. */
export interface BenchRunOptions {
  backend?: BackendName;
  /** Data-parallel training threads; default one per core. */
  workers?: number;
  /** Timed training steps of the preset's batch size (after one warm-up step). Default 5. */
  trainBatches?: number;
  /** MC inference: samples × passes, timed in one worker. Defaults 32 × 10 (DeepPrior: 32 × 40, the papers' M). */
  mcSamples?: number;
  mcPasses?: number;
  signal?: AbortSignal;
}

/** Throughput of one preset, as both benchmarks report it. */
export interface BenchThroughput<Preset> {
  preset: Preset;
  backend: BackendChoice;
  trainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
  /** Peak resident set of this process (workers included) so far, MB. */
  peakRssMb: number;
}

export interface BenchOptions extends BenchRunOptions {
  preset: 'paper' | 'fast';
  /** Also time the PyTorch reference when python3 + torch exist. Default true. */
  torch?: boolean;
  /** Frames of the timed pool runs (M = 40, every worker) per engine; default 64 ONNX, 16 TF.js. */
  poolFrames?: Readonly<Record<McEngineName, number>>;
}

export interface BenchOutcome extends BenchThroughput<'paper' | 'fast'> {
  /** `trainSamplesPerSecond` is data-parallel over `workers` threads; the same steps on one thread for scale. */
  training: { workers: number; oneWorkerSamplesPerSecond: number };
  /** PyTorch CPU on the same net, or why it was not run; ratios = TF.js / PyTorch. */
  torch: TorchReference;
  /** The MC engines through the app's path (predictMc over a pool, every worker) and the ONNX engine's ratios. */
  engines: {
    /** ONNX Runtime in the bench's single worker, same samples and passes as TF.js there. */
    singleWorker: BenchResult['engineMc'];
    pool: Partial<Record<McEngineName, PoolRun>>;
    /** ONNX pool rate ÷ PyTorch's MC rate (every core each), and ÷ the TF.js pool rate; null where one is missing. */
    onnxVsTorch: number | null;
    onnxVsTfjs: number | null;
  };
}

/**
 * For `poseloop bench`: training (data-parallel, every core) and MC-inference (single worker) throughput of one preset
 * on this machine, PyTorch on the same net, and the time to score a pool with each MC engine through predictMc (every
 * worker).
 */
export async function bench(options: BenchOptions): Promise<BenchOutcome> {
  const sizes = benchSizes({ mcPasses: POOL_PASSES, ...options });
  const result = await runBenchJob<BenchResult>(
    { kind: 'bench', config: { preset: options.preset } },
    sizes,
    options,
  );
  const torch =
    options.torch === false
      ? { available: false as const, reason: 'not requested' }
      : await runTorchReference(result.config, sizes, result);
  const learner = createDepthLearner();
  try {
    const pool = await timePoolScoring(
      result,
      options.poolFrames ?? { onnx: 64, tfjs: 16 },
      (predict) => learner.predictMc(predict),
      options.signal,
    );
    const onnxRate = pool.onnx?.samplePassesPerSecond;
    return {
      ...benchThroughput(options.preset, result),
      training: trainingRates(result),
      torch,
      engines: {
        singleWorker: result.engineMc,
        pool,
        onnxVsTorch:
          onnxRate === undefined || !torch.available ? null : onnxRate / torch.mcSamplePassesPerSecond,
        onnxVsTfjs:
          onnxRate === undefined || pool.tfjs === undefined
            ? null
            : onnxRate / pool.tfjs.samplePassesPerSecond,
      },
    };
  } finally {
    learner.dispose();
  }
}

export interface HeatmapBenchOptions extends BenchRunOptions {
  preset: HourglassPreset;
  /** Overrides the preset's batch (on wasm, whose heap is 4 GB, the paper net fits one crop per batch, not 16). */
  batchSize?: number;
}

export interface HeatmapBenchOutcome extends BenchThroughput<HourglassPreset> {
  /** `trainSamplesPerSecond` is data-parallel over `workers` threads; the same steps on one thread for scale. */
  training: { workers: number; oneWorkerSamplesPerSecond: number };
}

/**
 * Training (data-parallel, every core, and on one thread) and MC-inference (single worker) throughput of one heatmap
 * preset on this machine, random data.
 */
export async function benchHeatmap(options: HeatmapBenchOptions): Promise<HeatmapBenchOutcome> {
  const result = await runBenchJob<HeatmapBenchResult>(
    {
      kind: 'bench-heatmap',
      config: {
        preset: options.preset,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      },
    },
    benchSizes(options),
    options,
  );
  return { ...benchThroughput(options.preset, result), training: trainingRates(result) };
}

interface BenchSizes {
  trainBatches: number;
  mcSamples: number;
  mcPasses: number;
}

function benchSizes(options: BenchRunOptions): BenchSizes {
  return {
    trainBatches: options.trainBatches ?? 5,
    mcSamples: options.mcSamples ?? 32,
    mcPasses: options.mcPasses ?? 10,
  };
}

/** Runs one benchmark job in a single worker thread, on random data of seed 1. */
function runBenchJob<R extends BenchResult | HeatmapBenchResult>(
  job: Pick<BenchJob, 'kind' | 'config'> | Pick<HeatmapBenchJob, 'kind' | 'config'>,
  sizes: BenchSizes,
  options: BenchRunOptions,
): Promise<R> {
  return runInWorker<R, never>(
    {
      ...job,
      ...sizes,
      seed: 1,
      ...optionalBackend(options.backend),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
    },
    optionalSignal(options.signal),
  );
}

function trainingRates(result: BenchResult | HeatmapBenchResult): BenchOutcome['training'] {
  return { workers: result.workers, oneWorkerSamplesPerSecond: result.oneWorkerTrainSamplesPerSecond };
}

/** The benchmark's outcome from its worker's result; the peak memory is read now, once all timing is done. */
function benchThroughput<Preset>(
  preset: Preset,
  result: BenchResult | HeatmapBenchResult,
): BenchThroughput<Preset> {
  return {
    preset,
    backend: result.backend,
    trainSamplesPerSecond: result.trainSamplesPerSecond,
    mcSamplePassesPerSecond: result.mcSamplePassesPerSecond,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
