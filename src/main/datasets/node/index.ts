/** Datasets layer, node part: importers over folders, image loading, the synthetic dataset writer, the crop cache. */
export {
  openBigHandImport,
  openDatasetImport,
  openGenericImport,
  openIcvlImport,
  openMsraImport,
  openNyuImport,
  openUnlabelledImport,
  type AnyImportOptions,
  type IcvlImportOptions,
  type NyuImportOptions,
  type UnlabelledImportOptions,
} from './importers';
export {
  DEFAULT_IMPORT_OPTIONS,
  collectImport,
  type DatasetImport,
  type ImportOptions,
} from './import-runner';
export { loadDepth } from './load-depth';
export { SYNTH_MANIFEST, writeSynthDataset, type SynthDatasetOptions, type SynthSplit } from './synth-writer';
export {
  CropCache,
  buildCropCache,
  ensureCropCache,
  type CropCacheSettings,
  type CropSource,
} from './crop-cache';
