import type { AcquireSettings, TrainResult } from '@shared/contract';
import { AppError } from '@shared/errors';
import { createRng, permutation } from '@shared/random';
import type { Reason } from '../samplers';
import type { LoopContext, LoopProject } from './context';
import type { LearningPipeline, SamplePredictions, TrainTarget } from './pipeline';

/** A seeded random fraction of the pool (never fewer than the budget), in id order: the candidates a round scores. */
export function candidateSubset(
  pool: readonly number[],
  fraction: number,
  budget: number,
  seed: number,
): number[] {
  const take = Math.max(Math.min(budget, pool.length), Math.round(pool.length * fraction));
  const order = permutation(pool.length, createRng(seed));
  return Array.from(order.subarray(0, take), (i) => pool[i]!).sort((a, b) => a - b);
}

/** The number a sampler ranks by, for the queue's score column. */
export function reasonScore(reason: Reason): number {
  switch (reason.kind) {
    case 'random':
      return 0;
    case 'coreset':
    case 'coreset-features':
    case 'cke':
      return reason.distance ?? Number.POSITIVE_INFINITY;
    case 'cke-alg1':
      return reason.upperDistance ?? Number.POSITIVE_INFINITY;
    case 'uncertainty':
      return reason.sumStd;
    case 'aleatoric':
      return reason.meanVariance;
    case 'vl4pose':
      return reason.loglik;
    case 'vl4pose-heatmap':
      return reason.score;
    case 'mpe':
      return reason.entropy;
    case 'aleatoric-heatmap':
      return reason.meanLogVariance;
    case 'learning-loss':
      return reason.predictedLoss;
  }
}

/** One acquisition step: which sampler picks how many, with which learning settings. */
export interface AcquireStep {
  settings: AcquireSettings & { sampler: string; budget: number };
  /** What to train on and where the checkpoint goes; its labelled set is also predicted (the samplers' centres). */
  target: TrainTarget;
  /** The pool the candidates are drawn from, read once training is done; null: train only (no ranking). */
  pool: (() => readonly number[]) | null;
  /** Store the predictions (a round's, shown in the annotate view) or keep them in memory (a simulation's). */
  persist: boolean;
}

/** A picked sample, best first, with why the sampler picked it. */
export interface Pick {
  sampleId: number;
  score: number;
  reason: Reason;
}

/** Called between stages, so a round can persist its progress. */
export interface AcquireHooks {
  trained?(result: TrainResult): void;
  predicted?(): void;
}

/** Where each stage sits in the job's progress. */
const SPANS = { train: [0, 0.55], candidates: [0.55, 0.85], labelled: [0.85, 0.95], rank: 0.96 } as const;

/** What an acquisition step knows before its sampler runs: the model, and its MC predictions (null: train only). */
export interface Scored {
  trained: TrainResult;
  scored: SamplePredictions | null;
  known: SamplePredictions | null;
}

/**
 * The loop's one acquisition step, shared by rounds and simulations: train on the labelled set (fresh, or
 * fine-tuning the target's starting checkpoint) → MC inference on a seeded subset of the pool (the candidates) → MC
 * inference on the labelled set → rank the candidates with the sampler. One seed drives training, inference, the
 * subset and the sampler.
 */
export async function acquire(
  project: LoopProject,
  pipeline: LearningPipeline,
  step: AcquireStep,
  ctx: LoopContext,
  hooks: AcquireHooks = {},
): Promise<{ trained: TrainResult; picks: Pick[] | null; scored: SamplePredictions | null }> {
  const prepared = await trainAndScore(project, pipeline, step, ctx, hooks);
  return {
    trained: prepared.trained,
    picks: pickFrom(project, pipeline, prepared, step.settings, ctx),
    scored: prepared.scored,
  };
}

/**
 * Everything of a step before its sampler: nothing in it depends on which sampler will rank (a simulation's first
 * stage, the same for every sampler of a trial, is run once and ranked by each).
 */
export async function trainAndScore(
  project: LoopProject,
  pipeline: LearningPipeline,
  step: AcquireStep,
  ctx: LoopContext,
  hooks: AcquireHooks = {},
): Promise<Scored> {
  const { settings, target } = step;
  const trained = await pipeline.train(
    project,
    {
      variant: settings.variant,
      preset: settings.preset,
      seed: settings.seed,
      unreviewed: settings.unreviewed,
      augment: settings.augment,
      refine: settings.refine,
      loss: 'reference',
      patience: settings.patience,
      maxEpochs: settings.maxEpochs,
      fromScratch: settings.fromScratch,
      ...(settings.epochs ? { epochs: settings.epochs } : {}),
      ...(settings.workers ? { workers: settings.workers } : {}),
    },
    target,
    ctx,
    SPANS.train,
  );
  hooks.trained?.(trained);
  if (step.pool === null) return { trained, scored: null, known: null };

  const candidates = candidateSubset(step.pool(), settings.subset, settings.budget, settings.seed);
  const checkpoint = { id: trained.checkpointId, path: trained.checkpoint };
  const options = {
    passes: settings.mc,
    seed: settings.seed,
    roundId: target.roundId,
    persist: step.persist,
  };
  const scored = await pipeline.predict(project, checkpoint, candidates, options, ctx, SPANS.candidates);
  const known = await pipeline.predict(
    project,
    checkpoint,
    target.set.labelled,
    options,
    ctx,
    SPANS.labelled,
  );
  hooks.predicted?.();
  return { trained, scored, known };
}

/** The sampler's picks among the scored candidates, best first (null when the step only trained). */
export function pickFrom(
  project: LoopProject,
  pipeline: LearningPipeline,
  { scored, known }: Scored,
  settings: AcquireStep['settings'],
  ctx: LoopContext,
): Pick[] | null {
  if (scored === null || known === null) return null;
  ctx.progress({
    fraction: SPANS.rank,
    stage: 'rank',
    message: `${settings.sampler} over ${scored.sampleIds.length} candidates`,
  });
  const selection = pipeline.rank(project, scored, known, settings);
  if (ctx.signal.aborted) throw new AppError('cancelled', 'cancelled');
  return Array.from(selection.picks, (pick, i) => ({
    sampleId: scored.sampleIds[pick]!,
    score: reasonScore(selection.reasons[i]!),
    reason: selection.reasons[i]!,
  }));
}
