/**
 * Datasets layer, pure part: format parsers (from strings and bytes), the synthetic hand generator and the
 * preprocessing maths (hand centre, crop, normalisation). No node:, no DOM. File access lives in `./node`.
 */
export type {
  DatasetFormat,
  DatasetInfo,
  DepthDatasetInfo,
  DepthImage,
  ImportCounts,
  ImportIssue,
  ImportRecord,
  ImportedPrediction,
  PersonBox,
  RgbDatasetInfo,
  RgbImage,
  SkipReason,
} from './types';

export { TOOL_NAMES, matchPredictions } from './formats/instances';
export { MAX_SENSOR_DEPTH_MM, decodeDepthPng, encodeDepthPng, readPngSize } from './formats/depth-png';
export {
  LineProblem,
  checkUvd,
  jointsToUvd,
  parseLines,
  uvdToJoints,
  type UvdBounds,
} from './formats/labels';
export {
  ICVL_INVALID_DEPTH,
  ICVL_JOINTS,
  formatIcvlLine,
  isIcvlOriginal,
  parseIcvlLine,
  type UvdLabel,
} from './formats/icvl';
export {
  NYU_EVAL_JOINTS,
  NYU_JOINTS,
  nyuDepthFileName,
  parseNyuEvalLine,
  parseNyuJointMat,
  type NyuJointTable,
} from './formats/nyu';
export { matIndex, readMatNumericArrays, type Inflate, type MatArray } from './formats/mat5';
export { BIGHAND_JOINTS, parseBigHandLine } from './formats/bighand';
export { JPEG_HEADER_BYTES, isJpeg, readJpegSize } from './formats/jpeg';
export {
  LSP_JOINTS,
  LSP_NATIVE_JOINTS,
  LSP_TO_INTERNAL,
  lspImageName,
  lspSplit,
  parseLspJointMat,
  type LspTable,
  type LspVariant,
} from './formats/lsp';
export {
  MPII_JOINTS,
  MPII_NATIVE_JOINTS,
  MPII_TO_INTERNAL,
  isMpiiPersonList,
  parseMpiiPerson,
  type MpiiPerson,
} from './formats/mpii';
export {
  boxAroundJoints,
  cocoKeypointsToJoints,
  cocoLayoutFor,
  imageJoint,
  isCocoKeypointsFile,
  parseCocoAnnotation,
  parseCocoKeypointsFile,
  type CocoAnnotation,
  type CocoKeypointsFile,
  type CocoLayout,
} from './formats/coco';
export {
  MSRA15_FAULTY_FRAMES,
  MSRA_JOINTS,
  decodeMsraBin,
  msraDepthFileName,
  parseMsraJointFile,
  parseMsraJointLine,
  readMsraBinSize,
  type MsraFrameLabel,
} from './formats/msra';
export {
  GENERIC_MANIFEST_NAMES,
  GenericManifest,
  parseGenericCsvHeader,
  parseGenericCsvLine,
  parseGenericManifest,
  type GenericManifestFrame,
} from './formats/generic';

export {
  DEFAULT_SYNTH_OPTIONS,
  benchSynth,
  createSynthGenerator,
  generateSynthFrame,
  type RotationRanges,
  type SynthFrame,
  type SynthGenerator,
  type SynthOptions,
  VIEWPOINTS,
  type ViewpointSet,
} from './synth/generate';
export { FAMILY_RANGES, POSE_FAMILIES, type PoseFamily } from './synth/poses';

export {
  DEFAULT_HAND_CENTRE_OPTIONS,
  detectHandCentre,
  type HandCentre,
  type HandCentreOptions,
} from './preprocess/centre';
export {
  CROP_PAD_PX,
  DEFAULT_CROP_SETTINGS,
  cropAndNormalise,
  cropFrame,
  cropSide,
  denormaliseUvd,
  normaliseUvd,
  referenceEvalCropSide,
  type CropFrame,
  type CropSettings,
} from './preprocess/crop';

export {
  DEFAULT_HUMAN_SYNTH_OPTIONS,
  MAX_PLACEMENT_ATTEMPTS,
  benchHumanSynth,
  createHumanSynth,
  generateHumanFrame,
  humanFrameSeed,
  type Facing,
  type HumanJoint,
  type HumanSynth,
  type HumanSynthFrame,
  type HumanSynthOptions,
} from './synth-rgb/generate';
export { HUMAN_POSE_FAMILIES, HUMAN_LIMITS, type HumanPoseFamily } from './synth-rgb/poses';
export { BONES as HUMAN_BONES, WIDTH_RANGES as HUMAN_WIDTH_RANGES, type BoneSpec } from './synth-rgb/figure';
export { insideOccluder, occluderDistance, type Occluder } from './synth-rgb/render';
export {
  PERSON_CROP_SCALE,
  boxAround,
  cropRgb,
  cropToImage,
  imageToCrop,
  personCrop,
  type PersonCrop,
} from './preprocess/rgb-crop';
