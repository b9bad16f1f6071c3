import { resolve } from 'node:path';
import type { TrainSettings } from '@shared/contract';
import { AppError } from '@shared/errors';
import { createRng } from '@shared/random';
import type { LoopProject } from '../context';
import {
  loadCheckpointMeta,
  type CheckpointModel,
  type EarlyStopping,
  type LearnerCheckpointMeta,
} from '../../learner';
import type { CheckpointRef, SamplePredictions } from '../pipeline';

/**
 * A preset's epoch count assumes a few thousand labels. A small labelled set (a project's first rounds) would then
 * get only a few dozen optimiser steps, too few to learn anything, so training never stops before MIN_TRAIN_STEPS
 * steps (early stopping's floor; without a validation split, the least it runs).
 */
export const MIN_TRAIN_STEPS = 200;

/**
 * Fine-tuning starts near a solution, so half the step floor is enough to take in a round's new labels (early
 * stopping decides the rest), and it runs at 0.3× the preset's learning rate: Adam's moments restart at zero, so its
 * first steps move every weight by about the full rate whatever its gradient, which would throw away much of what the
 * previous model learned.
 */
export const FINE_TUNE = { minSteps: 100, learningRateScale: 0.3 } as const;

/** Epochs that give at least `steps` optimiser steps (whole batches only, as the training loop counts them). */
export function epochsForSteps(steps: number, batchSize: number, samples: number): number {
  return Math.ceil(steps / Math.max(1, Math.floor(samples / batchSize)));
}

/** How long and how fast one training runs. */
export interface TrainingPlan {
  /** Exactly this many epochs, or the cap when `stopping` is given. */
  epochs: number;
  stopping?: EarlyStopping;
  learningRate: number;
}

/**
 * `--epochs E` trains exactly E epochs (the papers' protocol). Otherwise, with a validation split, early stopping
 * with the settings' patience, the step floor and the epoch cap (raised to reach the floor on small sets); without
 * one, the preset's epochs, at least the floor. Fine-tuning has its own floor and learning rate (FINE_TUNE).
 */
export function trainingPlan(
  settings: Pick<TrainSettings, 'epochs' | 'patience' | 'maxEpochs'>,
  preset: { epochs: number; batchSize: number; learningRate: number },
  trainCount: number,
  validated: boolean,
  fineTuning: boolean,
): TrainingPlan {
  const minSteps = fineTuning ? FINE_TUNE.minSteps : MIN_TRAIN_STEPS;
  const learningRate = preset.learningRate * (fineTuning ? FINE_TUNE.learningRateScale : 1);
  if (settings.epochs !== undefined) return { epochs: settings.epochs, learningRate };
  const floor = epochsForSteps(minSteps, preset.batchSize, trainCount);
  if (!validated) return { epochs: Math.max(preset.epochs, floor), learningRate };
  return {
    epochs: Math.max(settings.maxEpochs, floor),
    stopping: { patience: settings.patience, minSteps },
    learningRate,
  };
}

/**
 * The labelled rows (of `sampleIds`) held out for model selection: the 10 % whose ids hash lowest (none below 10
 * labels: too few to spare). A sample's side depends on its id alone, so as the labelled set grows between rounds it
 * stays put (only a few are added to the held-out part as it grows): a model fine-tuned from the previous round is
 * not selected on samples it was trained on. The test split is never used for selection.
 */
export function validationSplit(sampleIds: readonly number[]): { train: number[]; val: number[] } {
  const hash = (id: number) => createRng(id ^ 0x5a17c0de).next();
  const order = sampleIds.map((id, row) => ({ row, key: hash(id) })).sort((a, b) => a.key - b.key);
  const valCount = sampleIds.length >= 10 ? Math.max(1, Math.round(sampleIds.length * 0.1)) : 0;
  const rows = (part: typeof order) => part.map((o) => o.row).sort((a, b) => a - b);
  return { train: rows(order.slice(valCount)), val: rows(order.slice(0, valCount)) };
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

/** Progress text of an MC-dropout prediction, as both pipelines report it (`stage` names a first stage). */
export function inferenceMessage(
  p: { samplePassesDone: number; etaSeconds: number },
  stage = '',
): { message: string; etaSeconds: number | undefined } {
  return {
    message: `${stage}${p.samplePassesDone} sample·passes`,
    etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined,
  };
}
