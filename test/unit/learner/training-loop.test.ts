import { describe, expect, it } from 'vitest';
import type { NamedWeights } from '../../../src/main/learner/models/named-weights';
import { runTrainingLoop, stopsAfterCheck, type TrainingSpec } from '../../../src/main/learner/training-loop';

/** A model that is one number: each step adds the step index, each check scores |weight − 10|. */
function fakeSpec(
  overrides: Partial<TrainingSpec<{ pose: number; aux: number | null }, { loss: number }, string>> = {},
) {
  let weight = 0;
  const seen: number[][] = [];
  const progress: string[] = [];
  const spec: TrainingSpec<{ pose: number; aux: number | null }, { loss: number }, string> = {
    count: 10,
    batch: 4,
    epochs: 3,
    stopping: null,
    checkAtStart: false,
    seed: 1,
    shuffleStream: 0x1234,
    checkAfter: (_step, batchIndex, batches) => batchIndex + 1 === batches,
    checkAtEnd: false,
    step: (order, start, step) => {
      seen.push(Array.from(order.subarray(start, start + 4)));
      weight += step;
      return { pose: 1 / step, aux: null };
    },
    validate: () => ({ loss: Math.abs(weight - 10) }),
    readWeights: (): NamedWeights => new Map([['w', { shape: [1], values: Float32Array.of(weight) }]]),
    progress: (p, losses, last, best) =>
      `${p.epoch}.${p.batch}/${p.batchesPerEpoch} ${losses.pose} ${last?.loss} ${best?.loss}`,
    onProgress: (p) => progress.push(p),
    ...overrides,
  };
  return { spec, seen, progress };
}

describe('the shared training loop', () => {
  it('runs floor(N / batch) shuffled batches per epoch and keeps the weights of the best check', () => {
    const { spec, seen, progress } = fakeSpec();
    const outcome = runTrainingLoop(spec, { pose: Number.NaN, aux: null });
    // 2 batches per epoch × 3 epochs; weights after each epoch: 3, 10, 21 → the check after epoch 2 is best.
    expect(seen).toHaveLength(6);
    expect(
      seen
        .slice(0, 2)
        .flat()
        .every((row) => row >= 0 && row < 10),
    ).toBe(true);
    expect(new Set(seen.slice(0, 2).flat()).size).toBe(8);
    expect(outcome.totalSteps).toBe(6);
    expect(outcome.best).toEqual({ loss: 0, epoch: 2, step: 4 });
    expect(Array.from(outcome.weights.values[0]!)).toEqual([10]);
    expect(outcome.weights.names).toEqual(['w']);
    expect(outcome.losses).toEqual({ pose: 1 / 6, aux: null });
    expect(progress).toEqual([
      '1.1/2 1 undefined undefined',
      '1.2/2 0.5 7 7',
      '2.1/2 0.3333333333333333 7 7',
      '2.2/2 0.25 0 0',
      '3.1/2 0.2 0 0',
      '3.2/2 0.16666666666666666 11 0',
    ]);
  });

  it('is reproducible for a seed and keeps the last weights without validation', () => {
    const a = fakeSpec({ validate: () => null });
    const b = fakeSpec({ validate: () => null });
    const outcome = runTrainingLoop(a.spec, { pose: Number.NaN, aux: null });
    runTrainingLoop(b.spec, { pose: Number.NaN, aux: null });
    expect(a.seen).toEqual(b.seen);
    expect(outcome.best).toBeNull();
    expect(Array.from(outcome.weights.values[0]!)).toEqual([21]);
  });

  it('checks the final weights too when asked, and stops on a non-finite loss naming it', () => {
    const end = fakeSpec({ checkAfter: () => false, checkAtEnd: true });
    expect(runTrainingLoop(end.spec, { pose: Number.NaN, aux: null }).best).toEqual({
      loss: 11,
      epoch: 3,
      step: 6,
    });
    const diverging = fakeSpec({ step: (_o, _s, step) => ({ pose: 1, aux: step === 3 ? Number.NaN : 0 }) });
    expect(() => runTrainingLoop(diverging.spec, { pose: Number.NaN, aux: null })).toThrow(
      /training diverged: aux loss is NaN at epoch 2, batch 1/,
    );
  });
});

/** The loop over a validation curve, one check per epoch (2 steps each); the model's weight is its step count. */
function runCurve(
  curve: number[],
  options: { epochs: number; patience: number; minSteps: number; checkAtStart?: boolean },
) {
  let checks = 0;
  let steps = 0;
  const { spec } = fakeSpec({
    epochs: options.epochs,
    stopping: { patience: options.patience, minSteps: options.minSteps },
    checkAtStart: options.checkAtStart ?? false,
    step: () => {
      steps++;
      return { pose: 1, aux: null };
    },
    validate: () => ({ loss: curve[checks++]! }),
    readWeights: () => new Map([['w', { shape: [1], values: Float32Array.of(steps) }]]),
  });
  const outcome = runTrainingLoop(spec, { pose: Number.NaN, aux: null });
  return {
    epochsRun: outcome.epochsRun,
    steps: outcome.totalSteps,
    stoppedEarly: outcome.stoppedEarly,
    bestEpoch: outcome.best?.epoch,
    keptWeightsOfStep: outcome.weights.values[0]![0],
    start: outcome.start?.loss ?? null,
    checks,
  };
}

describe('early stopping', () => {
  it('stops once the best check is `patience` epochs old, never before the step floor', () => {
    expect(stopsAfterCheck({ patience: 3, minSteps: 4 }, 2, 12, 6)).toBe(true);
    expect(stopsAfterCheck({ patience: 3, minSteps: 4 }, 2, 11, 6)).toBe(false);
    expect(stopsAfterCheck({ patience: 3, minSteps: 20 }, 2, 12, 6)).toBe(false);
    expect(stopsAfterCheck({ patience: 1, minSteps: 0 }, 5, 5, 0)).toBe(true);
  });

  it('over a validation curve: stop epoch, best epoch and the kept weights', () => {
    // Best at epoch 3 (3.0); 3.0 again at epoch 6 is no improvement, and epoch 6 is 3 epochs (6 steps) on.
    const curve = [5, 4, 3, 3.5, 3.2, 3, 2, 1];
    expect(runCurve(curve, { epochs: 20, patience: 3, minSteps: 4 })).toEqual({
      epochsRun: 6,
      steps: 12,
      stoppedEarly: true,
      bestEpoch: 3,
      keptWeightsOfStep: 6,
      start: null,
      checks: 6,
    });
    // The floor (20 steps = epoch 10) keeps it going; epochs 7 and 8 improve, so it stops 3 epochs after epoch 8.
    expect(runCurve([...curve, 9, 9, 9, 9, 9], { epochs: 20, patience: 3, minSteps: 20 })).toMatchObject({
      epochsRun: 11,
      stoppedEarly: true,
      bestEpoch: 8,
      keptWeightsOfStep: 16,
    });
    // A stop on the cap's last step is no early stop.
    expect(runCurve([1, 2], { epochs: 2, patience: 1, minSteps: 0 })).toMatchObject({
      epochsRun: 2,
      stoppedEarly: false,
      bestEpoch: 1,
    });
    // A curve that keeps falling runs to the cap.
    expect(runCurve([6, 5, 4, 3, 2], { epochs: 5, patience: 1, minSteps: 0 })).toMatchObject({
      epochsRun: 5,
      steps: 10,
      stoppedEarly: false,
      bestEpoch: 5,
    });
  });

  it('checks the starting weights when asked and keeps them when nothing beats them (epoch 0)', () => {
    expect(runCurve([1, 2, 1, 1.5], { epochs: 10, patience: 2, minSteps: 2, checkAtStart: true })).toEqual({
      epochsRun: 2,
      steps: 4,
      stoppedEarly: true,
      bestEpoch: 0,
      keptWeightsOfStep: 0,
      start: 1,
      checks: 3,
    });
  });

  it('reports progress toward the earliest stop the checks allow, never backwards, 1 when it stops', () => {
    const curve = [5, 4, 3, 3.5, 3.2, 3];
    let checks = 0;
    const fractions: number[] = [];
    const { spec } = fakeSpec({
      epochs: 20,
      stopping: { patience: 3, minSteps: 4 },
      validate: () => ({ loss: curve[checks++]! }),
      progress: (p) => String(p.fraction),
      onProgress: (p) => fractions.push(Number(p)),
    });
    runTrainingLoop(spec, { pose: Number.NaN, aux: null });
    // Horizon: best step + 3 epochs (6 steps), at least the 4-step floor: 6, then 8, 10, 12 as checks improve.
    expect(fractions).toEqual([
      1 / 6,
      2 / 8,
      3 / 8,
      4 / 10,
      5 / 10,
      5 / 10,
      7 / 12,
      8 / 12,
      9 / 12,
      10 / 12,
      11 / 12,
      1,
    ]);
  });
});
