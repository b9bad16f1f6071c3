/** Active-learning samplers: pure functions from typed arrays to a ranked, explained selection. */
export type * from './types';
export {
  SAMPLERS,
  getSampler,
  runSampler,
  validateSamplerInput,
  type InputField,
  type SamplerSpec,
} from './registry';
export { kCenterGreedy, NearestCentreTracker, type InitialCentres, type KCenterResult } from './k-center';
export { coreset, cke, ckeAlg1, contractTowardOrigin, DEFAULT_ETA } from './diversity';
export { random, uncertainty, aleatoric, rankByScore } from './ranking';
export { vl4pose, poseLogLikelihood, linkLogLikelihoods, skeletonTree, type SkeletonTree } from './vl4pose';
export {
  HEATMAP_SAMPLERS,
  getHeatmapSampler,
  runHeatmapSampler,
  validateHeatmapInput,
  type HeatmapCandidates,
  type HeatmapInputField,
  type HeatmapSamplerId,
  type HeatmapSamplerInput,
  type HeatmapSamplerOptions,
  type HeatmapSamplerSpec,
} from './heatmap';
