import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { BackendChoice, BackendName } from '../backend';
import type { LearnerConfig, SplitProgress, TrainedCheckpoint, TrainRunOptions } from '../learner';
import type {
  HeatmapPredictJob,
  HeatmapTrainJob,
  HeatmapTrainResult,
  PredictJob,
  PredictProgress,
  TrainJob,
  TrainJobBase,
  TrainResult,
} from '../protocol';
import { writeCheckpoint, type CheckpointContent, type HourglassCheckpointContent } from './checkpoint';
import { runInWorker } from './pool';

/**
 * What `dispose()` of a learner ends: every call runs under the learner's own abort signal as well as the caller's,
 * and a disposed learner refuses new calls. The learner's config gives each call its defaults.
 */
export function learnerScope(config: LearnerConfig) {
  const controller = new AbortController();
  return {
    options<O extends { signal?: AbortSignal; backend?: BackendName; workers?: number }>(options: O): O {
      if (controller.signal.aborted) throw new AppError('cancelled', 'this learner was disposed');
      const signal =
        options.signal === undefined
          ? controller.signal
          : AbortSignal.any([options.signal, controller.signal]);
      return { ...config, ...options, signal };
    },
    dispose: (): void => controller.abort(),
  };
}

/**
 * Runs a training job in a worker thread, then writes its weights as a new checkpoint folder, recording the
 * checkpoint it started from. `checkpointOf` gives the model's default folder name (seed and time are appended) and
 * the metadata to store.
 */
export async function trainToCheckpoint<R extends TrainResult | HeatmapTrainResult, P>(
  job: Omit<TrainJob, keyof TrainJobBase> | Omit<HeatmapTrainJob, keyof TrainJobBase>,
  options: TrainRunOptions<P>,
  checkpointOf: (result: R) => {
    defaultName: string;
    content: CheckpointContent | HourglassCheckpointContent;
  },
): Promise<TrainedCheckpoint<R['metrics'], R['config']>> {
  const result = await runInWorker<R, P>(
    {
      ...job,
      seed: options.seed,
      ...optionalBackend(options.backend),
      ...(options.initialCheckpoint === undefined ? {} : { initialCheckpoint: options.initialCheckpoint }),
      ...(options.stopping === undefined ? {} : { stopping: options.stopping }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
    },
    {
      ...optionalSignal(options.signal),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  // The worker may have answered just before the caller cancelled: a cancelled run writes nothing.
  if (options.signal?.aborted) throw new AppError('cancelled', 'cancelled');
  const { defaultName, content } = checkpointOf(result);
  const name = options.checkpointName ?? `${defaultName}-${options.seed}-${Date.now()}`;
  const checkpointPath = join(options.checkpointDir, name);
  await writeCheckpoint(
    checkpointPath,
    { ...content, initialCheckpoint: options.initialCheckpoint ?? null },
    result.weights,
  );
  return {
    checkpointPath,
    metrics: result.metrics,
    config: result.config,
    backend: result.backend,
    samplesPerSecond: result.metrics.samplesPerSecond,
  };
}

/** The part of the backend choice a checkpoint records. */
export function savedBackend(backend: BackendChoice): Pick<BackendChoice, 'name' | 'reason'> {
  return { name: backend.name, reason: backend.reason };
}

/** The settings a prediction call passes through to its workers. */
export interface WorkerSplit {
  workers?: number;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (progress: SplitProgress) => void;
}

/**
 * Runs one inference job per worker thread, each over whole batches of the images (so every sample sees the same
 * batch composition as in a single-worker run), and returns the parts in sample order. Each worker gets a copy of
 * its rows (`sampleSize` values per sample), moved into the thread. Progress is summed over the workers; the first
 * failure or the caller's signal cancels every worker.
 */
export async function splitOverWorkers<R extends { backend: BackendChoice }>(
  { workers, backend, signal, onProgress }: WorkerSplit,
  split: {
    images: { x: Float32Array; count: number };
    sampleSize: number;
    batchSize: number;
    passes: number;
  },
  jobFor: (
    x: Float32Array,
    firstIndex: number,
    count: number,
  ) => Omit<PredictJob, 'backend'> | Omit<HeatmapPredictJob, 'backend'>,
): Promise<R[]> {
  const { count } = split.images;
  const batches = Math.ceil(count / split.batchSize);
  const workerCount = Math.max(1, Math.min(workers ?? availableParallelism(), batches));
  const total = count * split.passes;
  let done = 0;
  const started = performance.now();
  const onWorkerProgress = (progress: PredictProgress): void => {
    done += progress.samplePassesDone;
    const fraction = total === 0 ? 1 : done / total;
    const seconds = (performance.now() - started) / 1000;
    onProgress?.({
      fraction,
      etaSeconds: fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.NaN,
      samplePassesDone: done,
    });
  };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const parts = await Promise.all(
      Array.from({ length: workerCount }, (_, w) => {
        const from = Math.floor((w * batches) / workerCount) * split.batchSize;
        const to = Math.min(count, Math.floor(((w + 1) * batches) / workerCount) * split.batchSize);
        const x = split.images.x.slice(from * split.sampleSize, to * split.sampleSize);
        return runInWorker<R, PredictProgress>(
          { ...jobFor(x, from, to - from), ...optionalBackend(backend) },
          { signal: controller.signal, onProgress: onWorkerProgress, transfer: [x.buffer] },
        ).catch((error: unknown) => {
          controller.abort();
          throw error;
        });
      }),
    );
    if (new Set(parts.map((part) => part.backend.name)).size > 1) {
      throw new AppError(
        'internal',
        'MC workers started different backends; results would not be comparable',
      );
    }
    return parts;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** The parts' arrays end to end. */
export function join32(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

// Jobs and run options leave out what the caller did not give, rather than carry an explicit undefined.
export function optionalSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

export function optionalBackend(backend: BackendName | undefined): { backend?: BackendName } {
  return backend === undefined ? {} : { backend };
}
