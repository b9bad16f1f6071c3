/**
 * Exports layer, pure part: per-format planners that turn the final annotation state of the selected samples (with
 * provenance) into the files to write, and the manifest. No node:, no SQL. File writing lives in `./node`.
 */
export type {
  ExportContext,
  ExportDataset,
  ExportFormatId,
  ExportPlan,
  ExportSample,
  PlannedFile,
  PlannedImage,
} from './types';
export { planExport } from './formats/plan';
export { planCoco } from './formats/coco';
export { planCocoResults } from './formats/coco-results';
export { planCvat } from './formats/cvat';
export { planDlc } from './formats/dlc';
export { planLabelStudio } from './formats/labelstudio';
export { planSleap } from './formats/sleap';
export { planYolo } from './formats/yolo';
export { planJson3d } from './formats/json3d';
export { CSV_COLUMNS, csvCell, planCsv } from './formats/csv';
export { planBigHand, planIcvl, provenanceFile } from './formats/native';
export { GENERIC_EXPORT_MANIFEST, planGeneric } from './formats/generic';
export { EXPORT_MANIFEST, buildManifest, checksumListing, type FileDigest } from './formats/manifest';
export {
  ImagePaths,
  cocoFlag,
  datasetFolder,
  jointSummary,
  keypointBox,
  provenanceOf,
  type Provenance,
} from './formats/common';
