import { describe, expect, it } from 'vitest';
import { candidateSubset, reasonScore } from '../../../src/main/loop/acquire';
import { overallEta } from '../../../src/main/loop/context';
import {
  epochsForSteps,
  FINE_TUNE,
  MIN_TRAIN_STEPS,
  trainingPlan,
  validationSplit,
} from '../../../src/main/loop/common/training';

describe('epochsForSteps', () => {
  it('counts whole batches, as the training loop does', () => {
    expect(MIN_TRAIN_STEPS).toBe(200);
    expect(epochsForSteps(200, 32, 10_000)).toBe(1);
    expect(epochsForSteps(200, 32, 65)).toBe(100); // 2 whole batches per epoch
    expect(epochsForSteps(200, 32, 90)).toBe(100); // 90 labels: 2 × 100 = 200 steps (was 3 × 67 → 134 trained)
    expect(epochsForSteps(200, 32, 10)).toBe(200); // 1 batch per epoch
    expect(epochsForSteps(100, 32, 330)).toBe(10);
  });
});

describe('trainingPlan', () => {
  const preset = { epochs: 20, batchSize: 32, learningRate: 1e-3 };
  const settings = { patience: 10, maxEpochs: 100 };

  it('early-stops with a validation split: the cap, raised to reach the step floor on small sets', () => {
    expect(trainingPlan(settings, preset, 10_000, true, false)).toEqual({
      epochs: 100,
      stopping: { patience: 10, minSteps: 200 },
      learningRate: 1e-3,
    });
    expect(trainingPlan(settings, preset, 40, true, false)).toEqual({
      epochs: 200, // 1 batch per epoch: 200 epochs to reach the 200-step floor
      stopping: { patience: 10, minSteps: 200 },
      learningRate: 1e-3,
    });
  });

  it('--epochs is a fixed count; without validation the preset’s epochs, at least the floor', () => {
    expect(trainingPlan({ ...settings, epochs: 7 }, preset, 10_000, true, false)).toEqual({
      epochs: 7,
      learningRate: 1e-3,
    });
    expect(trainingPlan(settings, preset, 9, false, false)).toEqual({ epochs: 200, learningRate: 1e-3 });
    expect(trainingPlan(settings, preset, 10_000, false, false)).toEqual({ epochs: 20, learningRate: 1e-3 });
  });

  it('fine-tunes with its own floor and a smaller learning rate', () => {
    expect(FINE_TUNE).toEqual({ minSteps: 100, learningRateScale: 0.3 });
    const plan = trainingPlan(settings, preset, 64, true, true);
    expect(plan.epochs).toBe(100);
    expect(plan.stopping).toEqual({ patience: 10, minSteps: 100 });
    expect(plan.learningRate).toBeCloseTo(3e-4, 15);
    expect(trainingPlan({ ...settings, maxEpochs: 20 }, preset, 64, true, true).epochs).toBe(50);
  });
});

describe('validationSplit', () => {
  const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

  it('holds out 10 % of the labelled rows for model selection, none below 10 labels', () => {
    const split = validationSplit(ids(25));
    expect(split.val).toHaveLength(3); // round(2.5) = 3
    expect(split.train).toHaveLength(22);
    expect([...split.train, ...split.val].sort((a, b) => a - b)).toEqual(ids(25, 0));
    expect(validationSplit(ids(25))).toEqual(split);
    expect(validationSplit(ids(9)).val).toEqual([]);
    expect(validationSplit(ids(10)).val).toHaveLength(1);
  });

  it('decides by sample id, so the held-out samples stay held out as the labelled set grows', () => {
    const first = ids(100);
    const heldOut = new Set(validationSplit(first).val.map((row) => first[row]!));
    // The next round adds labels (in any order): every earlier held-out sample is still held out.
    const next = [...ids(20, 1000), ...[...first].reverse()];
    const nextHeldOut = new Set(validationSplit(next).val.map((row) => next[row]!));
    expect(heldOut.size).toBe(10);
    expect(nextHeldOut.size).toBe(12);
    expect([...heldOut].filter((id) => !nextHeldOut.has(id))).toEqual([]);
  });
});

describe('acquisition helpers', () => {
  it('draws a seeded candidate subset of the pool, in id order, never smaller than the budget', () => {
    const pool = Array.from({ length: 20 }, (_, i) => 100 + i);
    const half = candidateSubset(pool, 0.5, 3, 7);
    expect(half).toHaveLength(10);
    expect(half).toEqual([...half].sort((a, b) => a - b));
    expect(half.every((id) => pool.includes(id))).toBe(true);
    expect(candidateSubset(pool, 0.5, 3, 7)).toEqual(half);
    expect(candidateSubset(pool, 0.1, 5, 7)).toHaveLength(5);
    expect(candidateSubset(pool, 1, 5, 7)).toEqual(pool);
  });

  it('scores a pick by the number its sampler ranked it by', () => {
    expect(reasonScore({ kind: 'random' } as never)).toBe(0);
    expect(reasonScore({ kind: 'uncertainty', sumStd: 2.5 } as never)).toBe(2.5);
    expect(reasonScore({ kind: 'coreset', distance: null } as never)).toBe(Number.POSITIVE_INFINITY);
    expect(reasonScore({ kind: 'vl4pose-heatmap', score: -3 } as never)).toBe(-3);
  });
});

describe('overallEta', () => {
  it('covers the stages still to come, from the overall fraction and the elapsed time', () => {
    expect(overallEta(0.5, 60)).toBe(60);
    expect(overallEta(0.55, 55)).toBeCloseTo(45, 12);
    expect(overallEta(0.25, 10)).toBe(30);
    expect(overallEta(1, 99)).toBe(0);
    expect(overallEta(0.01, 5)).toBeUndefined();
  });
});
