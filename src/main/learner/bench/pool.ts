import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@shared/random';
import type { McEngineChoice, McEngineName } from '../engines';
import { writeCheckpoint } from '../node/checkpoint';
import type { BenchResult, CropImages, PredictResult } from '../protocol';

/** The pool the issue sizes rounds by: 10,000 frames, the papers' M = 40. */
export const POOL_FRAMES = 10_000;
export const POOL_PASSES = 40;

/** One timed `predictMc` run over a random pool, every worker, with the given engine. */
export interface PoolRun {
  engine: McEngineChoice;
  /** Frames actually scored (× POOL_PASSES passes). */
  frames: number;
  /** Wall time of the measured run, worker start-up, checkpoint load and graph export included. */
  seconds: number;
  /** Until the first progress report: threads, engine and model set up. */
  startupSeconds: number;
  /** Steady MC rate after start-up, over all workers. */
  samplePassesPerSecond: number;
  /** Extrapolated: start-up + 10,000 frames × 40 passes at the steady rate. */
  pool10kSeconds: number;
}

type Predict = (options: {
  checkpointPath: string;
  images: CropImages;
  passes: number;
  seed: number;
  engine: McEngineName;
  signal?: AbortSignal;
  onProgress: (progress: { samplePassesDone: number }) => void;
}) => Promise<PredictResult>;

/**
 * Times scoring a random pool through the app's own path (`predictMc`: one worker per core, masks from seeds) with
 * each engine, on the bench job's model written as a temporary checkpoint. `frames` per engine keeps each run to a
 * few seconds; the 10,000-frame time is extrapolated from the measured steady rate (labelled as such).
 */
export async function timePoolScoring(
  bench: BenchResult,
  frames: Readonly<Record<McEngineName, number>>,
  predict: Predict,
  signal?: AbortSignal,
): Promise<Partial<Record<McEngineName, PoolRun>>> {
  const dir = await mkdtemp(join(tmpdir(), 'poseloop-bench-pool-'));
  try {
    const checkpointPath = join(dir, 'bench');
    await writeCheckpoint(
      checkpointPath,
      { seed: 1, config: bench.config, aux: null, backend: bench.backend, metrics: UNTRAINED },
      bench.weights,
    );
    const runs: Partial<Record<McEngineName, PoolRun>> = {};
    for (const engine of ['onnx', 'tfjs'] as const) {
      if (engine === 'onnx' && 'unavailable' in bench.engineMc) continue;
      const images = randomCrops(frames[engine], bench.config.inputSize);
      runs[engine] = await timeRun(predict, { checkpointPath, images, engine, signal });
    }
    return runs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timeRun(
  predict: Predict,
  run: { checkpointPath: string; images: CropImages; engine: McEngineName; signal: AbortSignal | undefined },
): Promise<PoolRun> {
  const total = run.images.count * POOL_PASSES;
  const start = performance.now();
  let first: { at: number; done: number } | null = null;
  const result = await predict({
    checkpointPath: run.checkpointPath,
    images: run.images,
    passes: POOL_PASSES,
    seed: 1,
    engine: run.engine,
    ...(run.signal === undefined ? {} : { signal: run.signal }),
    onProgress: ({ samplePassesDone }) => {
      first ??= { at: performance.now(), done: samplePassesDone };
    },
  });
  const end = performance.now();
  const steady = first as { at: number; done: number } | null;
  const startupSeconds = ((steady?.at ?? end) - start) / 1000;
  const steadySeconds = (end - (steady?.at ?? start)) / 1000;
  const samplePassesPerSecond = (total - (steady?.done ?? 0)) / steadySeconds;
  return {
    engine: result.engine,
    frames: run.images.count,
    seconds: (end - start) / 1000,
    startupSeconds,
    samplePassesPerSecond,
    pool10kSeconds: startupSeconds + (POOL_FRAMES * POOL_PASSES) / samplePassesPerSecond,
  };
}

function randomCrops(count: number, side: number): CropImages {
  const rng = createRng(2);
  const x = Float32Array.from({ length: count * side * side }, () => rng.uniform(-0.5, 0.5));
  return { x, count, height: side, width: side };
}

/** Metrics of a checkpoint that was never trained (the bench's random weights). */
const UNTRAINED = {
  bestValMse: null,
  bestValErrorMm: null,
  bestEpoch: null,
  bestStep: null,
  startValMse: null,
  finalLoss: 0,
  finalAuxLoss: null,
  epochs: 0,
  epochsRun: 0,
  stoppedEarly: false,
  trainCount: 0,
  valCount: 0,
  trainSeconds: 0,
  samplesPerSecond: 0,
  workers: 0,
};
