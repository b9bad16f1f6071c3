// The scaffold of one training run, both pipelines alike: where it starts (the checkpoint it fine-tunes, if any), how
// long it runs, the learner options that follow, and what it records when it ends (summary and provenance).
import { relative, resolve } from 'node:path';
import type { TrainSettings } from '@shared/contract';
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
import type { CheckpointRef, TrainTarget } from '../pipeline';
import { trainingPlan, type TrainingPlan } from './training';

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
    workers?: number;
    checkpointDir: string;
    signal: AbortSignal;
  };
}

/**
 * The scaffold of a training run of `model` with `config`: its starting checkpoint (startingCheckpoint, refusing one
 * of another architecture; `note` tells which), its plan for `trainCount` rows (trainingPlan), and the options that
 * follow from them: the planned epochs and learning rate, early stopping, starting weights, seed, training threads,
 * checkpoint folder and cancel signal.
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
      ...(settings.workers ? { workers: settings.workers } : {}),
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
