import { describe, expect, it } from 'vitest';
import { candidateSubset, reasonScore } from '../../../src/main/loop/acquire';
import { overallEta } from '../../../src/main/loop/context';
import { epochsForSteps, MIN_TRAIN_STEPS, validationSplit } from '../../../src/main/loop/common/training';

describe('epochsForSteps', () => {
  it("keeps the preset's epochs for large sets and gives small sets at least MIN_TRAIN_STEPS optimiser steps", () => {
    expect(MIN_TRAIN_STEPS).toBe(200);
    expect(epochsForSteps(20, 32, 10_000)).toBe(20);
    expect(epochsForSteps(20, 32, 65)).toBe(100); // 2 whole batches per epoch, as the training loop counts them
    expect(epochsForSteps(20, 32, 90)).toBe(100); // 90 labels: 2 × 100 = 200 steps (was 3 × 67 → 134 trained)
    expect(epochsForSteps(20, 32, 10)).toBe(200); // 1 batch per epoch
  });
});

describe('validationSplit', () => {
  it('holds out a seeded 10 % for model selection, none below 10 labels', () => {
    const split = validationSplit(25, 3);
    expect(split.val).toHaveLength(3); // round(2.5) = 3
    expect(split.train).toHaveLength(22);
    expect([...split.train, ...split.val].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    expect(validationSplit(25, 3)).toEqual(split);
    expect(validationSplit(25, 4)).not.toEqual(split);
    expect(validationSplit(9, 3).val).toEqual([]);
    expect(validationSplit(10, 3).val).toHaveLength(1);
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
