import type { CurveMetric, TrainResult, TrainSettings } from '@shared/contract';
import type { Joint } from '@shared/domain';
import type { Selection } from '../samplers';
import type { LoopContext, LoopProject, Span } from './context';
import type { DepthPredictions } from './depth/pipeline';
import type { HeatmapPredictions } from './rgb/pipeline';

/** Which samples to train and test on, and where their labels come from (annotations, or a simulation's oracle). */
export interface TrainingSet {
  labelled: readonly number[];
  test: readonly number[];
  labelOf(sampleId: number): readonly Joint[] | null;
}

export interface TrainTarget {
  roundId: number | null;
  set: TrainingSet;
  /** Folder receiving the checkpoint (default: the project's models/). */
  checkpointDir?: string;
  /** Record the checkpoint in the project database (simulations do not). */
  record: boolean;
  /**
   * The checkpoint to fine-tune (a simulation's previous round, a shipped model's folder as an absolute path), or
   * null: fresh weights. Default: the project's latest. Unused with `fromScratch`, or when its architecture differs.
   */
  initialCheckpoint?: CheckpointRef | null;
}

export interface PredictOptions {
  passes: number;
  seed: number;
  roundId: number | null;
  /** Store the per-sample predictions (in image space) in the project database. */
  persist: boolean;
}

export interface RankSettings {
  sampler: string;
  budget: number;
  seed: number;
  eta: number;
  /** Depth CoreSet/CKE: compare poses each relative to its own centre (default) or in crop coordinates. */
  features?: 'pose' | 'crop';
}

/** A checkpoint to predict with: its database id (0 when not recorded) and path (relative to models/, or absolute). */
export interface CheckpointRef {
  id: number;
  path: string;
}

export type SamplePredictions = DepthPredictions | HeatmapPredictions;

/** MC-dropout predictions of `sampleIds` with a checkpoint (stored with `options.persist`), of one modality; `span`:
 * the part of the caller's progress it reports in ([0, 1]: all of it). */
export type Predict<P extends SamplePredictions> = (
  project: LoopProject,
  checkpoint: CheckpointRef,
  sampleIds: readonly number[],
  options: PredictOptions,
  ctx: LoopContext,
  span: Span,
) => Promise<P>;

/**
 * What a round or a simulation needs from a learner, one implementation per modality: depth projects (hands) use
 * DeepPrior on depth crops and are measured in mm; RGB projects (people) use the heatmap model on person crops and
 * are measured by PCKh. Everything above this (rounds, queue, simulate, UI) is shared.
 */
export interface LearningPipeline {
  modality: 'depth' | 'rgb';
  metric: CurveMetric;
  /** The samplers this modality supports and the default set a simulation compares. */
  samplers: readonly string[];
  simulateSamplers: readonly string[];
  /** What a round ranks with when no sampler is named (the method this modality's spec leads with). */
  defaultSampler: string;
  train(
    project: LoopProject,
    settings: TrainSettings,
    target: TrainTarget,
    ctx: LoopContext,
    span?: Span,
  ): Promise<TrainResult>;
  predict: Predict<SamplePredictions>;
  rank(
    project: LoopProject,
    scored: SamplePredictions,
    known: SamplePredictions,
    settings: RankSettings,
  ): Selection;
  /** The learning-curve value of a training result (NaN when there was no test split). */
  headline(result: TrainResult): number;
}
