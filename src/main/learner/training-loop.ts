import { AppError } from '@shared/errors';
import { createRng, permutation } from '@shared/random';
import type { NamedWeights } from './models/named-weights';
import { mixSeed } from './ops/seeds';
import type { EarlyStopping, WeightTable } from './protocol';

/**
 * Batches per epoch and the validation period (spec §3.3, T10): floor(N / batch) batches (the last partial batch is
 * dropped; a set smaller than one batch trains on one batch of N), checks every floor(batches / checksPerEpoch)
 * steps, at least 1 (the reference divides by zero below 192 samples, G4).
 */
export function validationSchedule(
  count: number,
  batchSize: number,
  checksPerEpoch: number,
): { batchesPerEpoch: number; validFreq: number } {
  const batchesPerEpoch = Math.max(1, Math.floor(count / batchSize));
  return { batchesPerEpoch, validFreq: Math.max(1, Math.floor(batchesPerEpoch / checksPerEpoch)) };
}

/** Throughput and ETA of a training run after `step` steps of `batch` samples, `fraction` of the way through. */
export function stepTiming(
  started: number,
  step: number,
  fraction: number,
  batch: number,
): { samplesPerSecond: number; fraction: number; etaSeconds: number } {
  const seconds = (performance.now() - started) / 1000;
  return {
    samplesPerSecond: (step * batch) / seconds,
    fraction,
    etaSeconds: (seconds / fraction) * (1 - fraction),
  };
}

/** Where the loop stands after a step: what every model's progress report starts from. */
export interface LoopPosition {
  phase: 'train';
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  fraction: number;
  etaSeconds: number;
}

/** The losses of one step by name (null: a head that is off); every one must stay finite. */
export type StepLosses<L> = { [K in keyof L]: number | null };

/** One validation check; the lowest `loss` is kept. */
export interface Check {
  loss: number;
}

/**
 * The early-stopping rule, decided after each validation check at `step`: stop once the best check (`bestStep`; 0 for
 * the starting weights) is `patience` epochs behind, but never before `minSteps` steps. Improvement means a strictly
 * lower loss.
 */
export function stopsAfterCheck(
  rule: EarlyStopping,
  batchesPerEpoch: number,
  step: number,
  bestStep: number,
): boolean {
  return step >= rule.minSteps && step - bestStep >= rule.patience * batchesPerEpoch;
}

/** What a model plugs into the shared loop. */
export interface TrainingSpec<L extends StepLosses<L>, C extends Check, P> {
  count: number;
  /** Samples per step (already capped at `count`). */
  batch: number;
  /** Epochs to run; with `stopping`, the most. */
  epochs: number;
  /** Early stopping (needs validation checks), or null: run every epoch. */
  stopping: EarlyStopping | null;
  /** Check the starting weights before the first step (fine-tuning: they may be the best there is). */
  checkAtStart: boolean;
  seed: number;
  /** Keeps this model's shuffle stream apart from its other random streams. */
  shuffleStream: number;
  /** Validate after this (1-based) step, `batchIndex` being its 0-based place in the epoch? */
  checkAfter(step: number, batchIndex: number, batchesPerEpoch: number): boolean;
  /** Check the final weights too, when the schedule may end between checks. */
  checkAtEnd: boolean;
  /** One optimiser step on the rows `order[start … start + batch)`. */
  step(order: Int32Array, start: number, step: number): L;
  /** One validation pass, or null without a validation set. */
  validate(): C | null;
  readWeights(): NamedWeights;
  progress(position: LoopPosition, losses: L, last: C | null, best: C | null): P;
  onProgress(progress: P): void;
}

/**
 * The part of a TrainingSpec a training job fixes, alike for every model: its rows, the batch (capped at them), the
 * epochs, early stopping and seed; a fine-tuning run (`fineTuning`) checks its starting weights first.
 */
export function jobSchedule(
  job: { train: { count: number }; seed: number; stopping?: EarlyStopping },
  config: { batchSize: number; epochs: number },
  fineTuning: boolean,
): Pick<
  TrainingSpec<never, Check, never>,
  'count' | 'batch' | 'epochs' | 'stopping' | 'checkAtStart' | 'seed'
> {
  const count = job.train.count;
  return {
    count,
    batch: Math.min(config.batchSize, count),
    epochs: config.epochs,
    stopping: job.stopping ?? null,
    checkAtStart: fineTuning,
    seed: job.seed,
  };
}

export interface TrainingOutcome<L extends StepLosses<L>, C extends Check> {
  /** The best check with the weights it was made on, or null without validation. */
  best: (C & { epoch: number; step: number }) | null;
  /** The check of the starting weights (`checkAtStart`), or null. */
  start: C | null;
  /** The best check's weights, else the last weights. */
  weights: WeightTable;
  /** The last step's losses. */
  losses: L;
  /** Steps and epochs run (fewer than the cap when stopped early). */
  totalSteps: number;
  epochsRun: number;
  stoppedEarly: boolean;
  trainSeconds: number;
  samplesPerSecond: number;
}

/**
 * The training loop both models share (spec §3): shuffled mini-batches (seeded, the last partial batch dropped),
 * one step per batch, validation checks keeping the weights of the best one, and early stopping when asked. A
 * non-finite loss aborts the run with an error: nothing is returned, so the caller's previous checkpoint stays in use.
 */
export function runTrainingLoop<L extends StepLosses<L>, C extends Check, P>(
  spec: TrainingSpec<L, C, P>,
  initialLosses: L,
): TrainingOutcome<L, C> {
  const { count, batch, epochs, stopping } = spec;
  const { batchesPerEpoch } = validationSchedule(count, batch, 1);
  const maxSteps = batchesPerEpoch * epochs;
  const shuffle = createRng(mixSeed(spec.seed, spec.shuffleStream));
  const started = performance.now();
  let best: (C & { epoch: number; step: number; weights: NamedWeights }) | null = null;
  let last: C | null = null;
  let losses = initialLosses;
  let bestStep = 0;
  let fraction = 0;
  // Under early stopping, progress counts toward the earliest stop the checks so far allow (not the cap, which most
  // runs never reach); it never goes backwards when a better check pushes that stop further.
  const fractionAt = (step: number): number =>
    stopping === null
      ? step / maxSteps
      : Math.max(
          fraction,
          step /
            Math.min(maxSteps, Math.max(stopping.minSteps, bestStep + stopping.patience * batchesPerEpoch)),
        );

  /** Runs a check; true when early stopping ends the run here. */
  const validate = (epoch: number, step: number): boolean => {
    const check = spec.validate();
    if (check === null) return false;
    last = check;
    if (best === null || check.loss < best.loss) {
      best = { ...check, epoch, step, weights: spec.readWeights() };
      bestStep = step;
    }
    return stopping !== null && stopsAfterCheck(stopping, batchesPerEpoch, step, bestStep);
  };

  if (spec.checkAtStart) validate(0, 0);
  const start: C | null = last;
  let step = 0;
  let epoch = 0;
  let stoppedEarly = false;
  while (epoch < epochs && !stoppedEarly) {
    epoch++;
    const order = permutation(count, shuffle);
    for (let b = 0; b < batchesPerEpoch && !stoppedEarly; b++) {
      step++;
      losses = spec.step(order, b * batch, step);
      checkFinite(losses as Record<string, number | null>, epoch, b + 1);
      // A stop that falls on the cap's last step is no early stop.
      if (spec.checkAfter(step, b, batchesPerEpoch)) stoppedEarly = validate(epoch, step) && step < maxSteps;
      const position = { phase: 'train' as const, epoch, epochs, batch: b + 1, batchesPerEpoch };
      fraction = stoppedEarly ? 1 : Math.min(1, fractionAt(step));
      spec.onProgress(
        spec.progress({ ...position, ...stepTiming(started, step, fraction, batch) }, losses, last, best),
      );
    }
  }
  if (spec.checkAtEnd && !stoppedEarly) validate(epoch, step);
  const trainSeconds = (performance.now() - started) / 1000;
  const kept = best as (C & { epoch: number; step: number; weights: NamedWeights }) | null;
  const { weights, ...check } = kept ?? { weights: spec.readWeights() };
  return {
    best: kept === null ? null : (check as C & { epoch: number; step: number }),
    start,
    weights: toWeightTable(weights),
    losses,
    totalSteps: step,
    epochsRun: epoch,
    stoppedEarly,
    trainSeconds,
    samplesPerSecond: (step * batch) / trainSeconds,
  };
}

function checkFinite(losses: Record<string, number | null>, epoch: number, batch: number): void {
  const bad = Object.entries(losses).find(([, value]) => value !== null && !Number.isFinite(value));
  if (bad === undefined) return;
  throw new AppError(
    'internal',
    `training diverged: ${bad[0]} loss is ${bad[1]} at epoch ${epoch}, batch ${batch}; no checkpoint was written and the previous model stays in use`,
    'loss',
  );
}

export function toWeightTable(weights: NamedWeights): WeightTable {
  const entries = [...weights];
  return {
    names: entries.map(([name]) => name),
    shapes: entries.map(([, w]) => w.shape),
    values: entries.map(([, w]) => w.values),
  };
}
