import type { Intrinsics, Joint } from '@shared/domain';
import type { SkeletonLayout } from '@shared/skeletons';

export type DatasetFormat =
  | 'icvl'
  | 'nyu'
  | 'bighand'
  | 'msra'
  | 'generic'
  | 'unlabelled'
  | 'lsp'
  | 'mpii'
  | 'coco'
  | 'rgb-folder'
  | 'dlc'
  | 'sleap'
  | 'labelstudio'
  | 'cvat'
  | 'yolo'
  | 'video';

/** A depth frame in millimetres; 0 = no reading (sensor-specific "invalid" codes are mapped to 0 on decode). */
export interface DepthImage {
  width: number;
  height: number;
  /** Always backed by its own (non-shared) ArrayBuffer, so it can be sent or wrapped as bytes. */
  depth: Uint16Array<ArrayBuffer>;
}

/** An RGB image decoded to 8-bit RGBA, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

interface DatasetInfoBase {
  format: DatasetFormat;
  name: string;
  /** Layout id in `@shared/skeletons` SKELETONS (native joint order of the labels), or of `layout`. */
  skeleton: string;
  /** A skeleton the files define themselves (a custom skeleton: DeepLabCut config.yaml, SLEAP metadata). */
  layout?: SkeletonLayout;
  /** The file that named the keypoints (peer tools' formats), for messages about the skeleton. */
  skeletonFile?: string;
}

export interface DepthDatasetInfo extends DatasetInfoBase {
  modality: 'depth';
  intrinsics: Intrinsics;
  /** Side of the 3D crop cube in mm (spec §1.2 step 3). */
  cubeMm: number;
}

/** RGB datasets have no camera model and no 3D crop cube. */
export interface RgbDatasetInfo extends DatasetInfoBase {
  modality: 'rgb';
  intrinsics: null;
  cubeMm: null;
}

export type DatasetInfo = DepthDatasetInfo | RgbDatasetInfo;

/** A person box [x, y, width, height] in image pixels (COCO's bbox convention). */
export type PersonBox = [number, number, number, number];

export interface ImportRecord {
  /** Stable and unique within the dataset, so a re-import can be de-duplicated. */
  key: string;
  /** Relative to the dataset root, '/'-separated. */
  imagePath: string;
  width: number;
  height: number;
  /** Native skeleton order; null = unlabelled. */
  joints: Joint[] | null;
  /** RGB: the person this sample is about, when the dataset gives or implies one (absent: the annotator draws it). */
  box?: PersonBox;
  /** 1-based line of the label in its file, when it came from a text file. */
  line?: number;
  /** The dataset's own split, when it declares one. */
  split?: 'train' | 'test';
  /** Facts worth showing next to the sample, e.g. 'faulty' (known-bad MSRA frame) or a synthetic pose family. */
  tags?: string[];
  /** Video imports: the frame's index in its video (provenance; the timestamp is a tag). */
  frame?: number;
}

/**
 * Another tool's predicted pose for one imported sample (its record key): a suggestion with provenance, never a
 * label. Joints in the dataset's native order, image pixels; absent = not predicted.
 */
export interface ImportedPrediction {
  key: string;
  joints: Joint[];
  /** Per joint the tool's confidence (SLEAP point score, DeepLabCut likelihood, COCO `s`); null where none. */
  scores: (number | null)[];
  /** The instance's own score (SLEAP instance score, Label Studio prediction score, COCO result score). */
  score: number | null;
}

/**
 * Why a label or image was not imported. `augmented-copy`, `duplicate-key`, `crowd` (COCO crowd regions) and
 * `other-category` (COCO annotations of a category without keypoints) are skips, not errors. (Other tools'
 * predicted instances are not skipped: they come as `DatasetImport.predictions`.)
 */
export type SkipReason =
  | 'malformed-line'
  | 'not-a-number'
  | 'joint-count'
  | 'out-of-range'
  | 'missing-image'
  | 'unreadable-image'
  | 'malformed-record'
  | 'augmented-copy'
  | 'duplicate-key'
  | 'crowd'
  | 'other-category';

export interface ImportIssue {
  file: string;
  line?: number;
  message: string;
  reason: SkipReason;
}

export interface ImportCounts {
  imported: number;
  skipped: number;
  skippedByReason: Partial<Record<SkipReason, number>>;
}
