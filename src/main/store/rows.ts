import type { Joint, Modality, Split } from '@shared/domain';

export type AnnotationStatus = 'in_progress' | 'done' | 'skipped';

export interface DatasetRow {
  id: number;
  name: string;
  format: string;
  root: string;
  modality: Modality;
  skeletonId: string;
  intrinsics: string | null;
  cubeMm: number | null;
  createdAt: string;
  import: ImportState;
}

/** How far a dataset's import got: `running` while a process imports it, `interrupted` when it stopped early. */
export interface ImportState {
  state: 'running' | 'complete' | 'interrupted';
  counts: { imported: number; duplicates: number; skipped: number };
  error: string | null;
  updatedAt: string | null;
}

export interface NewSample {
  sourceKey: string;
  imagePath: string;
  frame: number;
  modality: Modality;
  width: number;
  height: number;
  split: Split;
  centre?: { u: number; v: number; d: number } | null;
  box?: readonly [number, number, number, number] | null;
  /** Labels shown to annotators (imported into the labelled set or the test split). */
  joints?: Joint[] | null;
  /** Labels kept hidden as the oracle for simulations (pool samples of a fully labelled dataset). */
  groundTruth?: Joint[] | null;
}

export interface SampleRecord {
  id: number;
  datasetId: number;
  sourceKey: string;
  imagePath: string;
  frame: number;
  modality: Modality;
  width: number;
  height: number;
  split: Split;
  centre: { u: number; v: number; d: number } | null;
  box: [number, number, number, number] | null;
  annotationStatus: AnnotationStatus | null;
}

export interface AnnotationRecord {
  sampleId: number;
  revision: number;
  status: AnnotationStatus;
  joints: Joint[];
  annotator: string | null;
  fromPredictionId: number | null;
  secondsSpent: number;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryRecord {
  id: number;
  revision: number;
  annotator: string;
  at: string;
  kind: 'edit' | 'undo' | 'redo';
  jointsChanged: number[];
  undone: boolean;
}

export interface AnnotatorRecord {
  id: number;
  name: string;
  role: 'annotator' | 'lead';
  hasToken: boolean;
}
