import type { Intrinsics, Joint, Modality, Split } from '@shared/domain';
import type { SkeletonLayout } from '@shared/skeletons';

export type ExportFormatId = 'coco' | 'json3d' | 'icvl' | 'bighand' | 'generic' | 'csv';

/**
 * One sample as the exporters consume it: the final annotation state (never an unfinished edit) plus what its
 * provenance needs. The store's export query returns exactly this shape; the app hands it over unchanged.
 */
export interface ExportSample {
  sampleId: number;
  datasetId: number;
  sourceKey: string;
  /** Relative to the dataset root, '/'-separated. */
  imagePath: string;
  modality: Modality;
  width: number;
  height: number;
  split: Split;
  /** A person box supplied with the sample (RGB), used as the COCO bbox instead of the keypoint box. */
  box: readonly [number, number, number, number] | null;
  /** Project skeleton order; null = unlabelled. */
  joints: readonly Joint[] | null;
  exportedState: 'current' | 'last-done' | 'none';
  annotation: {
    status: 'in_progress' | 'done' | 'skipped';
    revision: number;
    annotator: string | null;
    createdAt: string;
    updatedAt: string;
    secondsSpent: number;
    fromPredictionId: number | null;
  } | null;
  annotators: readonly string[];
  historyRows: number;
  edits: number;
  selection: {
    roundId: number;
    roundNumber: number;
    sampler: string;
    rank: number;
    score: number;
    reason: Record<string, unknown>;
  } | null;
  checkpoint: { id: number; path: string; roundId: number | null; createdAt: string } | null;
  prediction: {
    id: number;
    roundId: number | null;
    checkpointId: number | null;
    passes: number;
    createdAt: string;
    mean: readonly number[];
    std: readonly number[];
  } | null;
}

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
