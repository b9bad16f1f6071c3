import { relative, resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { createRng, permutation } from '@shared/random';
import type { LoopProject } from '../context';
import { loadCheckpointMeta, type CheckpointModel, type LearnerCheckpointMeta } from '../../learner';
import type { CheckpointRef, SamplePredictions, TrainTarget } from '../pipeline';

/**
 * A preset's epoch count assumes a few thousand labels. A small labelled set (a project's first rounds) would then
 * get only a few dozen optimiser steps, too few to learn anything, so unless the user sets --epochs, training runs at
 * least MIN_TRAIN_STEPS steps.
 */
export const MIN_TRAIN_STEPS = 200;

export function epochsForSteps(presetEpochs: number, batchSize: number, samples: number): number {
  // Whole batches only, as the training loop counts them (a partial last batch is not a step).
  const batchesPerEpoch = Math.max(1, Math.floor(samples / batchSize));
  return Math.max(presetEpochs, Math.ceil(MIN_TRAIN_STEPS / batchesPerEpoch));
}

/**
 * The seeded split of `count` labelled rows into training rows and the 10 % held out for model selection (none
 * below 10 labels: too few to spare). The test split is never used for selection.
 */
export function validationSplit(count: number, seed: number): { train: number[]; val: number[] } {
  const order = Array.from(permutation(count, createRng(seed)));
  const valCount = count >= 10 ? Math.max(1, Math.round(count * 0.1)) : 0;
  return { train: order.slice(valCount), val: order.slice(0, valCount) };
}

/** Records a trained model in the project (rounds and `train`; simulations keep theirs private): its id, or 0. */
export function recordCheckpoint(
  project: LoopProject,
  target: TrainTarget,
  outcome: { checkpointPath: string; config: object; backend: { name: string } },
  metrics: Record<string, number | null>,
): number {
  if (!target.record) return 0;
  return project.store.checkpoints.add({
    roundId: target.roundId,
    path: relative(project.modelsDir, outcome.checkpointPath),
    config: outcome.config,
    backend: outcome.backend.name,
    metrics,
  });
}

/**
 * The checkpoint a pipeline predicts with: its absolute path and metadata, refused (naming the file) unless it holds
 * the pipeline's model — a depth project cannot score with a heatmap model, nor the other way round.
 */
export async function checkpointOf<K extends CheckpointModel>(
  project: LoopProject,
  checkpoint: CheckpointRef,
  model: K,
  kind: string,
): Promise<{ path: string; meta: Extract<LearnerCheckpointMeta, { model: K }> }> {
  const path = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(path);
  if (meta.model !== model)
    throw new AppError(
      'invalid_input',
      `${checkpoint.path} is not a ${kind} model; train this project first`,
    );
  return { path, meta: meta as Extract<LearnerCheckpointMeta, { model: K }> };
}

/** Narrows predictions to the kind a pipeline made (the other kind is a programming error). */
export function expectKind<K extends SamplePredictions['kind']>(
  predictions: SamplePredictions,
  kind: K,
): Extract<SamplePredictions, { kind: K }> {
  if (predictions.kind !== kind)
    throw new AppError('internal', `expected ${kind} predictions, got ${predictions.kind}`);
  return predictions as Extract<SamplePredictions, { kind: K }>;
}

/** Throughput and progress text of a training step, as both pipelines report it. */
export function trainingMessage(p: {
  epoch: number;
  epochs: number;
  loss: number;
  etaSeconds: number;
  extra?: string;
}): { message: string; etaSeconds: number | undefined } {
  return {
    message: `epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}${p.extra ?? ''}`,
    etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined,
  };
}
