import type { BackendChoice, BackendName } from './backend';
import type { EarlyStopping } from './protocol';

/**
 * One model's surface (tfjs-models style): `createLearner(config)` in each model folder returns one of these. Training
 * and inference run in worker threads and work on typed arrays only; checkpoints are folders written atomically.
 */
export interface Learner<TrainOptions, Trained, PredictOptions, Prediction> {
  /**
   * Trains a model (fresh, or fine-tuning `initialCheckpoint`) in a worker thread and writes its checkpoint (nothing
   * is written on cancel or NaN).
   */
  train(options: TrainOptions): Promise<Trained>;
  /** MC-dropout inference of a checkpoint, split over worker threads; the same for any worker count. */
  predictMc(options: PredictOptions): Promise<Prediction>;
  /** Cancels this learner's running jobs; later calls are refused. */
  dispose(): void;
}

/** What `createLearner` takes: defaults for every call (a call's own options win). */
export interface LearnerConfig {
  backend?: BackendName;
  /**
   * Worker threads; default one per core. Inference results do not depend on it; training (data-parallel) gives the
   * same weights for the same seed and worker count.
   */
  workers?: number;
}

/** What every training call takes besides its data and model settings. */
export interface TrainRunOptions<P> {
  seed: number;
  /** Folder that receives the new checkpoint folder (created if needed). */
  checkpointDir: string;
  /**
   * Name of the checkpoint folder; default `deepprior-<variant>-<seed>-<time>` or `hourglass-<preset>-<seed>-<time>`.
   * Must not exist.
   */
  checkpointName?: string;
  backend?: BackendName;
  /**
   * Absolute folder of a checkpoint to fine-tune (same model and architecture, else the run is refused naming it);
   * recorded in the new checkpoint. Default: fresh weights from the seed.
   */
  initialCheckpoint?: string;
  /** Early stopping on the validation set (config.epochs is then the cap); default: exactly config.epochs. */
  stopping?: EarlyStopping;
  /** Data-parallel worker threads; default one per core. */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

/** A finished training run: where its checkpoint was written and what the worker reported. */
export interface TrainedCheckpoint<Metrics, Config> {
  checkpointPath: string;
  metrics: Metrics;
  config: Config;
  backend: BackendChoice;
  /** Training throughput over the whole run, samples per second. */
  samplesPerSecond: number;
}

/** Progress of inference split over workers: fraction in [0, 1], ETA in seconds, sample·passes done so far. */
export interface SplitProgress {
  fraction: number;
  etaSeconds: number;
  samplePassesDone: number;
}

/** What every MC-inference call takes besides its images and model-specific options. */
export interface McRunOptions {
  checkpointPath: string;
  seed?: number;
  /** Worker threads; default one per core. Results do not depend on it. */
  workers?: number;
  batchSize?: number;
  backend?: BackendName;
  signal?: AbortSignal;
  /** Fraction in [0, 1] and ETA over all workers. */
  onProgress?: (progress: SplitProgress) => void;
}
