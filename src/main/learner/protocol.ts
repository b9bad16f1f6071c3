import type { PretrainedPoseJob, PretrainedPoseResult } from './models/movenet/job';
import type { MessagePort } from 'node:worker_threads';
import type { ErrorPayload } from '@shared/errors';
import type { BackendChoice, BackendName } from './backend';
import type { McEngineChoice, McEngineName } from './engines';
import type { DepthAugmentation } from './models/deepprior/augment';
import type { DeepPriorReplicaSpec } from './models/deepprior/replica';
import type { HeatmapReplicaSpec } from './models/hourglass/replica';
import type { DeepPriorConfig, DeepPriorConfigInput } from './models/deepprior/types';
import type { HourglassConfig, HourglassConfigInput } from './models/hourglass/types';
import type { Vl4PoseAuxConfig, Vl4PoseAuxConfigInput, SkeletonLink } from './models/vl4pose-aux/types';
import type { ReplicaLink } from './node/shared-gradients';

/**
 * Types shared by the learner's public API and its worker threads. Big arrays are typed arrays (transferred, never
 * JSON). Each worker runs exactly one job, given in `workerData`, and answers with progress messages and then one
 * `result` or `error` message; cancelling terminates the worker.
 */

/** Depth crops, row-major N×H×W float32, normalised by the datasets layer (hand ≈ [−0.5, 0.5], background 1.0). */
export interface CropImages {
  x: Float32Array;
  count: number;
  height: number;
  width: number;
}

/** Crops plus targets y: N×C normalised uvd, joint-major (u0, v0, d0, u1, …). */
export interface LabelledCrops extends CropImages {
  y: Float32Array;
}

/**
 * What the worker needs to turn normalised uvd into millimetres (spec §1.5): per sample the crop centre (U px, V px,
 * D mm), the crop side S in pixels, the cube side Bc in mm and the pin-hole intrinsics. u = U + n_u·S, v = V + n_v·S,
 * d = D + n_d·Bc, then x = (u − cx)·d/fx, y = (v − cy)·d/fy, z = d.
 */
export interface CropGeometry {
  /** N×3: U, V (pixels, full frame), D (mm). */
  centre: Float64Array;
  /** N: crop side S in pixels. */
  cropSize: Float64Array;
  /** N: cube side Bc in mm. */
  cube: Float64Array;
  /** N×4: fx, fy, cx, cy. */
  intrinsics: Float64Array;
}

export interface ValidationSet extends LabelledCrops {
  /** When given, validation errors are also reported in mm (mean 3-D joint error). */
  geometry?: CropGeometry;
}

/**
 * Early stopping: training ends at the first validation check where the best check is `patience` epochs old, never
 * before `minSteps` optimiser steps, and at the latest after the config's epochs (the cap).
 */
export interface EarlyStopping {
  patience: number;
  minSteps: number;
}

/** What every training job takes besides its data and model settings. */
export interface TrainJobBase {
  backend?: BackendName;
  seed: number;
  /** A checkpoint folder of the same architecture to start from (fine-tuning); default fresh weights. */
  initialCheckpoint?: string;
  /** Without it, exactly the config's epochs. */
  stopping?: EarlyStopping;
  /** Data-parallel worker threads (this one included); default one per core. */
  workers?: number;
}

export interface TrainJob extends TrainJobBase {
  kind: 'train';
  config: DeepPriorConfigInput;
  /** When given, a VL4Pose auxiliary head is trained alongside (detached features). */
  aux?: Vl4PoseAuxConfigInput;
  train: LabelledCrops;
  val?: ValidationSet;
  /** Random rotation, scale and centre jitter of the training crops (never of `val`); absent = none. */
  augmentation?: DepthAugmentation;
}

export interface PredictJob {
  kind: 'predict';
  backend?: BackendName;
  /** MC engine; default: ONNX Runtime where it loads, else TF.js. */
  engine?: McEngineName;
  checkpointPath: string;
  images: CropImages;
  /** Global index of images row 0: dropout masks are keyed by (seed, global index, pass). */
  firstIndex: number;
  passes: number;
  seed: number;
  batchSize: number;
}

export interface BenchJob {
  kind: 'bench';
  backend?: BackendName;
  config: DeepPriorConfigInput;
  trainBatches: number;
  mcSamples: number;
  mcPasses: number;
  seed: number;
  /** Data-parallel worker threads of the timed training steps; default one per core. */
  workers?: number;
}

/** RGB crops for the heatmap learner: row-major N×S×S×3, RGB values pixel/256 (spec vl4pose §2.1). */
export interface RgbCrops {
  x: Float32Array;
  count: number;
  /** Side S in pixels; must equal the model's inputSize. */
  size: number;
}

/** RGB crops with 2-D joints (spec vl4pose §3.5). */
export interface HeatmapLabelledCrops extends RgbCrops {
  /** N×J×2 (row, col) in crop pixels. */
  joints: Float32Array;
  /** N×J: −1 absent (empty target map), 0 occluded (drawn), 1 visible. */
  visibility: Int8Array;
}

export interface HeatmapTrainJob extends TrainJobBase {
  kind: 'train-heatmap';
  config: HourglassConfigInput;
  train: HeatmapLabelledCrops;
  /** Model selection by its pose loss (no augmentation, no dropout). */
  val?: HeatmapLabelledCrops;
}

/** Local-maxima settings of the prediction summaries (spec vl4pose §4.2, border never excluded). */
export interface HeatmapPeakOptions {
  /** md, grid px. */
  minDistance: number;
  /** K. */
  maxPeaks: number;
}

export interface HeatmapPredictJob {
  kind: 'predict-heatmap';
  backend?: BackendName;
  checkpointPath: string;
  images: RgbCrops;
  /** Global index of images row 0: dropout masks are keyed by (seed, global index, pass). */
  firstIndex: number;
  passes: number;
  seed: number;
  batchSize: number;
  peaks: HeatmapPeakOptions;
}

export interface HeatmapBenchJob {
  kind: 'bench-heatmap';
  backend?: BackendName;
  config: HourglassConfigInput;
  trainBatches: number;
  mcSamples: number;
  mcPasses: number;
  seed: number;
  /** Data-parallel worker threads of the timed training steps; default one per core. */
  workers?: number;
}

/** What a data-parallel helper thread builds its model replica from. */
export type ReplicaModel =
  { kind: 'deepprior'; spec: DeepPriorReplicaSpec } | { kind: 'hourglass'; spec: HeatmapReplicaSpec };

/** A data-parallel helper thread: one replica working on the shared memory of `link` as worker `index`. */
export interface ReplicaJob {
  kind: 'replica';
  backend: BackendName;
  model: ReplicaModel;
  link: ReplicaLink;
  index: number;
  /** Where a failure is reported: the coordinator reads it synchronously while it waits on the others. */
  errors: MessagePort;
}

export type LearnerJob =
  | TrainJob
  | PredictJob
  | BenchJob
  | HeatmapTrainJob
  | HeatmapPredictJob
  | HeatmapBenchJob
  | PretrainedPoseJob
  | ReplicaJob;

export interface TrainProgress {
  phase: 'train';
  epoch: number;
  epochs: number;
  /** Batch within the epoch, 1-based. */
  batch: number;
  batchesPerEpoch: number;
  /** Pose loss of the last batch. */
  loss: number;
  auxLoss?: number;
  /** Last validation: MSE in normalised units, mean joint error in mm when geometry was given. */
  valMse?: number;
  valErrorMm?: number;
  bestValMse?: number;
  samplesPerSecond: number;
  fraction: number;
  etaSeconds: number;
}

/** Last-batch loss of each enabled auxiliary head (null when off). */
export interface HeatmapAuxLosses {
  vl4pose: number | null;
  aleatoric: number | null;
  learningLoss: number | null;
}

/**
 * Progress of the heatmap learner. `loss` is the pose loss (heatmap MSE, peak 30 scale), `auxLoss` the sum of the
 * head losses, `valMse`/`bestValMse` the validation pose loss.
 */
export interface HeatmapTrainProgress extends TrainProgress {
  auxLosses: HeatmapAuxLosses;
  /** Last validation: mean grid-px distance of the sub-pixel locations to the visible GT joints. */
  valGridError?: number;
}

export interface PredictProgress {
  phase: 'predict';
  /** Sample·passes done by this worker since its previous progress message. */
  samplePassesDone: number;
}

/** How long a run trained: `epochs` is the config's (the cap under early stopping), `epochsRun` what ran. */
export interface RunLength {
  epochs: number;
  epochsRun: number;
  stoppedEarly: boolean;
}

export interface TrainMetrics extends RunLength {
  bestValMse: number | null;
  bestValErrorMm: number | null;
  /** Epoch (1-based; 0: the starting checkpoint, never beaten) and global step of the kept weights. */
  bestEpoch: number | null;
  bestStep: number | null;
  /** Fine-tuning: the validation MSE of the starting checkpoint (null for a fresh model). */
  startValMse: number | null;
  finalLoss: number;
  finalAuxLoss: number | null;
  trainCount: number;
  valCount: number;
  trainSeconds: number;
  samplesPerSecond: number;
  /** Data-parallel worker threads that trained (the same seed and count give the same weights). */
  workers: number;
}

/** Weights as transferable arrays, in model order. */
export interface WeightTable {
  names: string[];
  shapes: number[][];
  values: Float32Array[];
}

export interface TrainResult {
  config: DeepPriorConfig;
  aux: Vl4PoseAuxConfig | null;
  backend: BackendChoice;
  metrics: TrainMetrics;
  weights: WeightTable;
}

export interface McResult {
  /** N×C predictive mean (normalised uvd). */
  mean: Float32Array;
  /** N×C epistemic std, population (÷M) (spec §4.2, G9). Zeros for the plain model. */
  std: Float32Array;
  /** N×C aleatoric variance (normalised units²), mean over passes of σ² (`aleatoricVariance`); null for plain. */
  aleatoric: Float32Array | null;
  /** N×C mean over passes of the raw log-variance (what the reference code stores, G8); null for the plain model. */
  meanLogVar: Float32Array | null;
  /** N×E mean over passes of the penultimate dense features (CoreSet on features). */
  embedding: Float32Array;
  embeddingSize: number;
  /** VL4Pose head outputs, mean over passes, when the checkpoint has the head. */
  aux: { links: SkeletonLink[]; dims: number; offsetMean: Float32Array; offsetLogVar: Float32Array } | null;
}

export interface PredictResult extends McResult {
  backend: BackendChoice;
  /** The engine that ran the passes (TF.js on `backend`, or ONNX Runtime). */
  engine: McEngineChoice;
}

export interface HeatmapTrainMetrics extends RunLength {
  /** Validation pose loss of the kept weights (null without a validation set: the last weights are kept). */
  bestValLoss: number | null;
  /** Mean grid-px error of the sub-pixel locations on visible validation joints, for the kept weights. */
  bestValGridError: number | null;
  /** Epoch (1-based; 0: the starting checkpoint, never beaten) of the kept weights. */
  bestEpoch: number | null;
  /** Fine-tuning: the validation pose loss of the starting checkpoint (null for a fresh model). */
  startValLoss: number | null;
  finalLoss: number;
  finalAuxLosses: HeatmapAuxLosses;
  trainCount: number;
  valCount: number;
  trainSeconds: number;
  samplesPerSecond: number;
  /** Data-parallel worker threads that trained (the same seed and count give the same weights). */
  workers: number;
}

export interface HeatmapTrainResult {
  config: HourglassConfig;
  backend: BackendChoice;
  metrics: HeatmapTrainMetrics;
  weights: WeightTable;
}

/**
 * Per-sample summaries of M MC-dropout passes (never full heatmaps). Locations are in crop pixels, peaks in grid
 * pixels (G×G), VL4Pose parameters in grid pixels (spec §2.4).
 */
export interface HeatmapPrediction {
  count: number;
  joints: number;
  links: number;
  gridSize: number;
  inputSize: number;
  /** N×J×2 (row, col) crop px: sub-pixel location of the MC-mean last-stack heatmap, mapped by gridToCrop. */
  location: Float32Array;
  /** N×J×2 population std over passes of the per-pass sub-pixel locations, crop px; zeros when M = 1. */
  locationStd: Float32Array;
  /** N×J maximum of the mean heatmap. */
  peakValue: Float32Array;
  /** N×J×K×3 (row, col grid px, raw value) local maxima of the mean heatmap, highest first, NaN-padded. */
  peaks: Float32Array;
  maxPeaks: number;
  /** N×L×2 (μ, s) per link, mean over passes; null without the VL4Pose head. */
  linkParams: Float32Array | null;
  /** N×J mean over passes of the predicted log-variances; null without the aleatoric head. */
  aleatoricLogVar: Float32Array | null;
  /** N mean over passes of the predicted loss; null without the learning-loss head. */
  predictedLoss: Float32Array | null;
  /** N×C mean over passes of the penultimate features (global average of the last features block). */
  embedding: Float32Array;
  embeddingSize: number;
}

export interface HeatmapPredictResult extends HeatmapPrediction {
  backend: BackendChoice;
}

export interface HeatmapBenchResult {
  backend: BackendChoice;
  config: HourglassConfig;
  /** Over every data-parallel worker (`workers`); the MC rate below is one worker's. */
  trainSamplesPerSecond: number;
  workers: number;
  /** The same steps on this thread alone (the data-parallel speed-up is the ratio). */
  oneWorkerTrainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
}

export interface BenchResult {
  backend: BackendChoice;
  config: DeepPriorConfig;
  /** Over every data-parallel worker (`workers`); the MC rate below is one worker's. */
  trainSamplesPerSecond: number;
  workers: number;
  /** The same steps on this thread alone (the data-parallel speed-up is the ratio). */
  oneWorkerTrainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
  /** The same MC passes on ONNX Runtime in the same worker, or why it did not run. */
  engineMc: { samplePassesPerSecond: number; engine: McEngineChoice } | { unavailable: string };
  /** The benchmarked model's weights (random), for the timed pool run through predictMc. */
  weights: WeightTable;
}

export type WorkerMessage =
  | { kind: 'progress'; progress: TrainProgress | PredictProgress }
  | {
      kind: 'result';
      result:
        | TrainResult
        | PredictResult
        | BenchResult
        | HeatmapTrainResult
        | HeatmapPredictResult
        | HeatmapBenchResult
        | PretrainedPoseResult;
    }
  | { kind: 'error'; error: ErrorPayload }
  /** A data-parallel helper holds its replica with the starting weights. */
  | { kind: 'ready' }
  /**
   * The job runs native ONNX Runtime code, which must not be interrupted (terminating the thread inside a session
   * run aborts the process): cancel it with a `cancel` message instead; it stops between runs and answers.
   */
  | { kind: 'cooperative' };

/** What the parent sends a running worker. */
export type ParentMessage = { kind: 'cancel' };
