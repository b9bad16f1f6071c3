import { relative, resolve } from 'node:path';
import type { TrainSettings } from '@shared/contract';
import { AppError } from '@shared/errors';
import { createRng } from '@shared/random';
import type { LoopContext, LoopProject } from '../context';
import {
  initialCheckpointMismatch,
  loadCheckpointMeta,
  type CheckpointModel,
  type CheckpointModelConfig,
  type EarlyStopping,
  type LearnerCheckpointMeta,
  type RunLength,
} from '../../learner';
import type { CheckpointRef, SamplePredictions, TrainTarget } from '../pipeline';

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
 * The checkpoint a training starts from: none with `fromScratch`; else the target's own (null: none) or, by
 * default, the project's latest, provided it holds the architecture about to be trained (`mismatch` says why not;
 * then training starts fresh and `note` tells why). Returns it with its absolute folder.
 */
async function startingCheckpoint(
  project: LoopProject,
  settings: Pick<TrainSettings, 'fromScratch'>,
  target: TrainTarget,
  mismatch: (meta: LearnerCheckpointMeta) => string | null,
  note: (message: string) => void,
): Promise<{ ref: CheckpointRef; path: string } | null> {
  if (settings.fromScratch) return null;
  const ref =
    target.initialCheckpoint !== undefined ? target.initialCheckpoint : project.store.checkpoints.latest();
  if (ref === null) return null;
  const path = resolve(project.modelsDir, ref.path);
  const label = ref.id > 0 ? `model #${ref.id}` : ref.path;
  const why = await loadCheckpointMeta(path).then(mismatch, (error: Error) => error.message);
  if (why !== null) {
    note(`training from scratch: cannot fine-tune ${label} (${why})`);
    return null;
  }
  note(`fine-tuning ${label}`);
  return { ref: { id: ref.id, path: ref.path }, path };
}

/** Where a run starts, how long it runs, and the learner.train options both pipelines pass alike. */
export interface PreparedRun<C> {
  start: { ref: CheckpointRef; path: string } | null;
  plan: TrainingPlan;
  options: {
    config: C & { epochs: number; learningRate: number };
    stopping?: EarlyStopping;
    initialCheckpoint?: string;
    seed: number;
    checkpointDir: string;
    signal: AbortSignal;
  };
}

/**
 * The scaffold of a training run of `model` with `config`: its starting checkpoint (startingCheckpoint, refusing one
 * of another architecture; `note` tells which), its plan for `trainCount` rows (trainingPlan), and the options that
 * follow from them: the planned epochs and learning rate, early stopping, starting weights, seed, checkpoint folder
 * and cancel signal.
 */
export async function prepareRun<K extends CheckpointModel, C extends CheckpointModelConfig<K>>(
  project: LoopProject,
  settings: TrainSettings,
  target: TrainTarget,
  model: K,
  config: C,
  data: { trainCount: number; validated: boolean },
  ctx: LoopContext,
  note: (message: string) => void,
): Promise<PreparedRun<C>> {
  const start = await startingCheckpoint(
    project,
    settings,
    target,
    (meta) => initialCheckpointMismatch(meta, model, config),
    note,
  );
  const plan = trainingPlan(settings, config, data.trainCount, data.validated, start !== null);
  return {
    start,
    plan,
    options: {
      config: { ...config, epochs: plan.epochs, learningRate: plan.learningRate },
      ...(plan.stopping ? { stopping: plan.stopping } : {}),
      ...(start ? { initialCheckpoint: start.path } : {}),
      seed: settings.seed,
      checkpointDir: target.checkpointDir ?? project.modelsDir,
      signal: ctx.signal,
    },
  };
}

/** What finishRun reads of a learner's training outcome. */
interface TrainedOutcome {
  checkpointPath: string;
  config: object;
  backend: { name: string };
  metrics: RunLength & { bestEpoch: number | null };
}

/** What a training result says about its run, both pipelines alike (also recorded with the checkpoint). */
export interface RunSummary extends RunLength {
  bestEpoch: number | null;
  initialCheckpoint: CheckpointRef | null;
}

function runSummary(
  metrics: RunLength & { bestEpoch: number | null },
  start: CheckpointRef | null,
): RunSummary {
  const { epochs, epochsRun, stoppedEarly, bestEpoch } = metrics;
  return { epochs, epochsRun, stoppedEarly, bestEpoch, initialCheckpoint: start };
}

/**
 * Records a trained model in the project (rounds and `train`; simulations keep theirs private): its id, or 0. The
 * row's config names the checkpoint it was fine-tuned from (provenance), its metrics how long it trained.
 */
function recordCheckpoint(
  project: LoopProject,
  target: TrainTarget,
  outcome: TrainedOutcome,
  metrics: Record<string, number | null>,
  run: RunSummary,
): number {
  if (!target.record) return 0;
  return project.store.checkpoints.add({
    roundId: target.roundId,
    path: relative(project.modelsDir, outcome.checkpointPath),
    config: { ...outcome.config, initialCheckpoint: run.initialCheckpoint },
    backend: outcome.backend.name,
    metrics: {
      ...metrics,
      epochsRun: run.epochsRun,
      bestEpoch: run.bestEpoch,
      stoppedEarly: run.stoppedEarly ? 1 : 0,
    },
  });
}

/** A finished run's summary (from its starting checkpoint) and its recorded checkpoint id (0: not recorded). */
export function finishRun(
  project: LoopProject,
  target: TrainTarget,
  outcome: TrainedOutcome,
  metrics: Record<string, number | null>,
  start: PreparedRun<unknown>['start'],
): { run: RunSummary; checkpointId: number } {
  const run = runSummary(outcome.metrics, start?.ref ?? null);
  return { run, checkpointId: recordCheckpoint(project, target, outcome, metrics, run) };
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
