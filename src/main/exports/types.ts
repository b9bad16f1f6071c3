import type { Intrinsics } from '@shared/domain';
import type { Hdf5Content } from '@shared/hdf5';
import type { SkeletonLayout } from '@shared/skeletons';

export type ExportFormatId =
  | 'coco'
  | 'json3d'
  | 'icvl'
  | 'bighand'
  | 'generic'
  | 'csv'
  | 'dlc'
  | 'sleap'
  | 'labelstudio'
  | 'cvat'
  | 'yolo'
  | 'coco-results';

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
  /** DeepLabCut: the scorer (experimenter) named in config.yaml and the CollectedData file names. */
  scorer?: string;
  /**
   * Label Studio, CVAT: copy the images into the export folder where the label file names them (default); false
   * writes the label file alone, naming images by their path in the dataset.
   */
  images?: boolean;
}

/**
 * A file of an export; `path` is relative to the export folder ('' = the output file itself). Text, or an HDF5
 * file described as data (SLEAP .slp) that the node writer encodes.
 */
export type PlannedFile = { path: string; text: string } | { path: string; hdf5: Hdf5Content };

/** An image to copy into a folder export (RGB and depth PNGs: the source file as it is; other depth: a 16-bit PNG). */
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
