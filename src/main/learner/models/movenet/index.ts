export { MOVENET_MODELS, MOVENET_PACKAGE, type MovenetName } from './constants';
export { loadMovenet, movenetFiles, type MovenetModel } from './model';
export {
  runPretrainedPoseJob,
  type PretrainedPoseJob,
  type PretrainedPoseProgress,
  type PretrainedPoseResult,
} from './job';
export { predictPretrainedPose, type PretrainedPoseOptions } from './learner';
