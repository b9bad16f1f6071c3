/**
 * The learner layer's public face: backend choice, one Learner per model folder (createLearner → train / predictMc /
 * dispose; training in a worker thread, atomic checkpoints, MC-dropout inference split across worker threads) for
 * the DeepPrior hand regressor (with its VL4Pose head) and the 2-D human heatmap (stacked hourglass) model, and the
 * benchmarks. Works on typed arrays only.
 */
export { selectBackend, currentBackend, BACKEND_NAMES, BACKEND_ENV } from './backend';
export type { BackendChoice, BackendName } from './backend';
export type {
  Learner,
  LearnerConfig,
  McRunOptions,
  SplitProgress,
  TrainedCheckpoint,
  TrainRunOptions,
} from './learner';

export { createLearner as createDepthLearner } from './models/deepprior/learner';
export type { DepthLearner, PredictOptions, TrainOptions, TrainOutcome } from './models/deepprior/learner';
export { PAPER_CONFIG, FAST_CONFIG, PAPER_PARAM_COUNTS } from './models/deepprior/constants';
export { validateModelConfig, layerShapes } from './models/deepprior/validate';
export type {
  DeepPriorConfig,
  DeepPriorConfigInput,
  DeepPriorVariant,
  DeepPriorLoss,
} from './models/deepprior/types';
export { DEFAULT_DEPTH_AUGMENTATION } from './models/deepprior/augment';
export type { DepthAugmentation } from './models/deepprior/augment';
export { linksOf } from './models/vl4pose-aux/validate';
export type { Vl4PoseAuxConfig, Vl4PoseAuxConfigInput, SkeletonLink } from './models/vl4pose-aux/types';
export { meanJointErrorMm, toXyz } from './metrics';

export { createLearner as createHeatmapLearner } from './models/hourglass/learner';
export type {
  HeatmapLearner,
  HeatmapPredictOptions,
  HeatmapTrainOptions,
  HeatmapTrainOutcome,
} from './models/hourglass/learner';
export { HOURGLASS_PRESETS, HOURGLASS_PAPER_PARAM_COUNTS } from './models/hourglass/constants';
export { validateHourglassConfig } from './models/hourglass/validate';
export { defaultPeakMinDistance } from './models/hourglass/inference';
export type {
  HourglassConfig,
  HourglassConfigInput,
  HourglassPreset,
  HourglassPresetChoice,
  HourglassAugmentation,
  AuxHeads,
  JointLink,
} from './models/hourglass/types';

export {
  readCheckpoint as loadCheckpoint,
  readCheckpointMeta as loadCheckpointMeta,
} from './node/checkpoint';
export type {
  Checkpoint,
  CheckpointMeta,
  CheckpointModel,
  CropCentring,
  HourglassCheckpoint,
  HourglassCheckpointMeta,
  LearnerCheckpointMeta,
} from './node/checkpoint';
export { initialCheckpointMismatch, type CheckpointModelConfig } from './node/initial';
export type {
  EarlyStopping,
  RunLength,
  CropImages,
  CropGeometry,
  LabelledCrops,
  ValidationSet,
  TrainProgress,
  TrainMetrics,
  McResult,
  PredictResult,
  RgbCrops,
  HeatmapLabelledCrops,
  HeatmapAuxLosses,
  HeatmapTrainProgress,
  HeatmapTrainMetrics,
  HeatmapPrediction,
  HeatmapPeakOptions,
} from './protocol';

export { bench, benchHeatmap } from './bench/run';
export type {
  BenchOptions,
  BenchOutcome,
  BenchRunOptions,
  BenchThroughput,
  HeatmapBenchOptions,
  HeatmapBenchOutcome,
} from './bench/run';

export {
  MOVENET_MODELS,
  MOVENET_PACKAGE,
  predictPretrainedPose,
  type MovenetName,
  type PretrainedPoseOptions,
  type PretrainedPoseResult,
} from './models/movenet';
