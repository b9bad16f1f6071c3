import type { Intrinsics } from '@shared/domain';
import type { SkeletonLayout } from '@shared/skeletons';

export type ExportFormatId = 'coco' | 'json3d' | 'icvl' | 'bighand' | 'generic' | 'csv';

import type { ExportSample } from '@shared/export-sample';

export type { ExportSample };

export interface ExportDataset {
  id: number;
  name: string;
  format: string;
  root: string;
  intrinsics: Intrinsics | null;
  cubeMm: number | null;
}

/** What every format needs besides the samples. */
export interface ExportContext {
  format: ExportFormatId;
  /** The project's skeleton: the order of every sample's joints. */
  skeleton: SkeletonLayout;
  datasets: ReadonlyMap<number, ExportDataset>;
  project: { name: string; path: string };
  appVersion: string;
  /** ISO time of the export. */
  createdAt: string;
  /** The filters as given (recorded in the manifest). */
  filters: Record<string, unknown>;
}

/** A text file of an export; `path` is relative to the export folder ('' = the output file itself). */
export interface PlannedFile {
  path: string;
  text: string;
}

/** A depth image to copy into a folder export. */
export interface PlannedImage {
  sample: ExportSample;
  /** Relative to the export folder. */
  path: string;
}

/** Everything one export writes, before any byte touches the disk (pure). */
export interface ExportPlan {
  kind: 'file' | 'folder';
  files: PlannedFile[];
  images: PlannedImage[];
  /** Samples written. */
  samples: number;
  /** Samples the format cannot hold, by reason. */
  skipped: Record<string, number>;
  /** Facts a reader of the export must know (e.g. BigHand's camera convention), recorded in the manifest. */
  notes: string[];
}
