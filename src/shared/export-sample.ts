import type { Joint, Modality, Split } from './domain';

/** How a sample's joints were chosen: its current done annotation, its last done state, or none (unlabelled). */
export type ExportedState = 'current' | 'last-done' | 'none';

/**
 * One sample as an export consumes it: the final annotation state (never an unfinished edit) plus everything its
 * provenance needs. The store's export query returns it; the exporters take it unchanged.
 */
export interface ExportSample {
  sampleId: number;
  datasetId: number;
  sourceKey: string;
  imagePath: string;
  modality: Modality;
  width: number;
  height: number;
  split: Split;
  box: [number, number, number, number] | null;
  /** The joints exported (project skeleton order), null when unlabelled. Never an unfinished edit. */
  joints: Joint[] | null;
  exportedState: ExportedState;
  annotation: {
    status: 'in_progress' | 'done' | 'skipped';
    revision: number;
    annotator: string | null;
    createdAt: string;
    updatedAt: string;
    secondsSpent: number;
    fromPredictionId: number | null;
  } | null;
  /** Distinct annotators of the sample's history, in order of their first change. */
  annotators: string[];
  /** History rows (edits, undos, redos). */
  historyRows: number;
  edits: number;
  /** The latest round (within the round/sampler filters) whose ranking picked the sample. */
  selection: {
    roundId: number;
    roundNumber: number;
    sampler: string;
    rank: number;
    score: number;
    reason: Record<string, unknown>;
  } | null;
  /** The model version: the prediction's checkpoint, else the selecting round's. */
  checkpoint: { id: number; path: string; roundId: number | null; createdAt: string } | null;
  /**
   * The prediction shown before correction: the annotation's own, else the selecting round's, else the sample's
   * latest (e.g. zero-shot suggestions of a pretrained model).
   */
  prediction: {
    id: number;
    roundId: number | null;
    checkpointId: number | null;
    passes: number;
    createdAt: string;
    /** Flat (u px, v px, d mm) per joint, float32 values. */
    mean: number[];
    std: number[];
    /** A pretrained detector's per-joint scores (its confidence), null for our MC-dropout models. */
    scores: number[] | null;
  } | null;
}
