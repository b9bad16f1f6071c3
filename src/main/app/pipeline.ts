import type { CurveMetric, TrainResult } from '@shared/contract';
import { AppError } from '@shared/errors';
import { HEATMAP_SAMPLERS, SAMPLERS, type Selection } from '../samplers';
import type { OpContext } from './context';
import {
  predictDepthSamples,
  rankDepthPredictions,
  trainDepthModel,
  type DepthPredictions,
  type RankSettings,
  type TrainSettings,
  type TrainTarget,
} from './learning-ops';
import type { Project } from './project';
import {
  predictHeatmapSamples,
  rankHeatmapPredictions,
  trainHeatmapOnProject,
  type HeatmapPredictions,
} from './rgb-learning';

type Progress = Pick<OpContext, 'signal' | 'progress'>;

export type SamplePredictions = DepthPredictions | HeatmapPredictions;

export interface PredictOptions {
  passes: number;
  seed: number;
  roundId: number | null;
  persist: boolean;
}

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
  train(
    project: Project,
    settings: TrainSettings,
    target: TrainTarget,
    ctx: Progress,
    span?: [number, number],
  ): Promise<TrainResult>;
  predict(
    project: Project,
    checkpoint: { id: number; path: string },
    sampleIds: readonly number[],
    options: PredictOptions,
    ctx: Progress,
    span?: [number, number],
  ): Promise<SamplePredictions>;
  rank(
    project: Project,
    scored: SamplePredictions,
    known: SamplePredictions,
    settings: RankSettings,
  ): Selection;
  /** The learning-curve value of a training result (NaN when there was no test split). */
  headline(result: TrainResult): number;
}

function expectKind<K extends SamplePredictions['kind']>(
  predictions: SamplePredictions,
  kind: K,
): Extract<SamplePredictions, { kind: K }> {
  if (predictions.kind !== kind)
    throw new AppError('internal', `expected ${kind} predictions, got ${predictions.kind}`);
  return predictions as Extract<SamplePredictions, { kind: K }>;
}

const DEPTH: LearningPipeline = {
  modality: 'depth',
  metric: 'test_error_mm',
  samplers: SAMPLERS.map((s) => s.id),
  simulateSamplers: ['coreset', 'uncertainty', 'cke', 'vl4pose'],
  train: trainDepthModel,
  predict: predictDepthSamples,
  rank: (project, scored, known, settings) =>
    rankDepthPredictions(project, expectKind(scored, 'depth'), expectKind(known, 'depth'), settings),
  headline: (result) => result.testErrorMm ?? Number.NaN,
};

const RGB: LearningPipeline = {
  modality: 'rgb',
  metric: 'test_pckh',
  samplers: HEATMAP_SAMPLERS.map((s) => s.id),
  simulateSamplers: ['coreset', 'vl4pose', 'mpe', 'aleatoric', 'learning-loss'],
  train: trainHeatmapOnProject,
  predict: predictHeatmapSamples,
  rank: (project, scored, known, settings) =>
    rankHeatmapPredictions(project, expectKind(scored, 'heatmap'), expectKind(known, 'heatmap'), settings),
  headline: (result) => result.testPckh ?? Number.NaN,
};

export function pipelineFor(project: Project): LearningPipeline {
  return project.modality === 'rgb' ? RGB : DEPTH;
}

/** Refuses a sampler the project's modality does not have, naming the ones it does. */
export function checkSampler(pipeline: LearningPipeline, sampler: string): void {
  if (!pipeline.samplers.includes(sampler))
    throw new AppError(
      'invalid_input',
      `sampler "${sampler}" does not apply to ${pipeline.modality} projects (use one of: ${pipeline.samplers.join(', ')})`,
      'sampler',
    );
}
