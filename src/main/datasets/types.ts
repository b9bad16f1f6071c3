import type { Intrinsics, Joint } from '@shared/domain';

export type DatasetFormat = 'icvl' | 'nyu' | 'bighand' | 'msra' | 'generic' | 'unlabelled';

/** A depth frame in millimetres; 0 = no reading (sensor-specific "invalid" codes are mapped to 0 on decode). */
export interface DepthImage {
  width: number;
  height: number;
  /** Always backed by its own (non-shared) ArrayBuffer, so it can be sent or wrapped as bytes. */
  depth: Uint16Array<ArrayBuffer>;
}

export interface DatasetInfo {
  format: DatasetFormat;
  name: string;
  /** Layout id in `@shared/skeletons` SKELETONS (native joint order of the labels). */
  skeleton: string;
  modality: 'depth';
  intrinsics: Intrinsics;
  /** Side of the 3D crop cube in mm (spec §1.2 step 3). */
  cubeMm: number;
}

export interface ImportRecord {
  /** Stable and unique within the dataset, so a re-import can be de-duplicated. */
  key: string;
  /** Relative to the dataset root, '/'-separated. */
  imagePath: string;
  width: number;
  height: number;
  /** Native skeleton order; null = unlabelled. */
  joints: Joint[] | null;
  /** 1-based line of the label in its file, when it came from a text file. */
  line?: number;
  /** The dataset's own split, when it declares one. */
  split?: 'train' | 'test';
  /** Facts worth showing next to the sample, e.g. 'faulty' (known-bad MSRA frame) or a synthetic pose family. */
  tags?: string[];
}

/** Why a label or image was not imported. `augmented-copy` and `duplicate-key` are skips, not errors. */
export type SkipReason =
  | 'malformed-line'
  | 'not-a-number'
  | 'joint-count'
  | 'out-of-range'
  | 'missing-image'
  | 'unreadable-image'
  | 'augmented-copy'
  | 'duplicate-key';

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
