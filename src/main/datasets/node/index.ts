/** Datasets layer, node part: importers over folders, image loading, the synthetic dataset writer, the crop cache. */
export * from './importers';
export { FFMPEG_INSTALL_HINT, extractFrames, probeVideo } from './ffmpeg';
export {
  DEFAULT_IMPORT_OPTIONS,
  collectImport,
  type DatasetImport,
  type ImportOptions,
} from './import-runner';
export { loadDepth } from './load-depth';
export { decodeRgb, loadRgb } from './load-rgb';
export { SYNTH_MANIFEST, writeSynthDataset, type SynthDatasetOptions, type SynthSplit } from './synth-writer';
export {
  CropCache,
  buildCropCache,
  cropsAtCentres,
  ensureCropCache,
  type CropCacheSettings,
  type CropSource,
} from './crop-cache';
export {
  HUMAN_SYNTH_MANIFEST,
  HUMAN_SYNTH_VERSION,
  writeHumanSynthDataset,
  type HumanSynthDatasetOptions,
  type HumanSynthManifest,
  type HumanSynthSplit,
} from './synth-rgb-writer';
