/**
 * The learning loop's face: label → train → MC → rank. One LearningPipeline per modality (depth/, rgb/), the
 * acquire() step rounds and simulations share, and what the app needs around them (training sets, stored
 * prediction views, seed-selection features, label QC). The app layer composes these into operations.
 */
export { acquire, candidateSubset, pickFrom, reasonScore, trainAndScore } from './acquire';
export type { AcquireHooks, AcquireStep, Pick, Scored } from './acquire';
export { overallEta, subContext, subProgress } from './context';
export type { LoopContext, LoopProject, Span } from './context';
export type {
  CheckpointRef,
  LearningPipeline,
  PredictOptions,
  RankSettings,
  SamplePredictions,
  TrainingSet,
  TrainTarget,
} from './pipeline';
export { checkSampler, pipelineFor, projectTrainingSet } from './pipelines';
export { epochsForSteps, MIN_TRAIN_STEPS } from './common/training';
export { predictionView } from './common/prediction-view';
export { evaluateSuggestions } from './common/evaluate-suggestions';
export { pointPredictionRow } from './common/point-rows';
export { qualityMetrics } from './common/suggestion-quality';
export { imageFeatures } from './features';
export { checkLabels } from './rgb/qc';
export { zeroShotRgb } from './pretrained/zero-shot';
export { offerPretrainedPeople, type PretrainedOffer } from './pretrained/offer-people';
export { zeroShotDepth } from './pretrained/zero-shot-depth';
export { MANIFEST_FILE, sha256, SHIPPED_MODELS, shippedModel, shippedModelsDir } from './pretrained/shipped';
