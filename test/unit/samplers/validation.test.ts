import { describe, expect, it } from 'vitest';
import { AppError } from '@shared/errors';
import { runSampler, type SamplerInput } from '../../../src/main/samplers';

function input(
  overrides: Partial<SamplerInput['candidates']> = {},
  rest: Partial<SamplerInput> = {},
): SamplerInput {
  return {
    dims: 63,
    candidates: { mean: new Float32Array(6 * 63), std: new Float32Array(6 * 63), ...overrides },
    labelled: { mean: new Float32Array(2 * 63), std: new Float32Array(2 * 63) },
    ...rest,
  };
}

/** Runs and returns the thrown AppError (fails if nothing is thrown). */
function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('runSampler validation', () => {
  it('names the field and both shapes on a length mismatch', () => {
    const error = errorOf(() =>
      runSampler('uncertainty', input({ std: new Float32Array(300) }), { budget: 2 }),
    );
    expect(error.message).toBe('candidates.std: expected 6×63 values, got 300');
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('candidates.std');
  });

  it('rejects a missing required field', () => {
    expect(() => runSampler('uncertainty', input({ std: undefined }), { budget: 1 })).toThrow(
      /candidates.std: required by this sampler but missing/,
    );
    expect(() => runSampler('aleatoric', input(), { budget: 1 })).toThrow(/candidates.aleatoric/);
    const noLabelledStd = input({}, { labelled: { mean: new Float32Array(63) } });
    expect(() => runSampler('cke', noLabelledStd, { budget: 1 })).toThrow(/labelled.std: required/);
  });

  it('lets diversity samplers run with nothing labelled', () => {
    const nothingLabelled = input({}, { labelled: { mean: new Float32Array(0) } });
    for (const id of ['coreset', 'cke', 'cke-alg1']) {
      expect(Array.from(runSampler(id, nothingLabelled, { budget: 2 }).picks)).toHaveLength(2);
    }
  });

  it('points at the first NaN, infinite or negative value', () => {
    const mean = new Float32Array(6 * 63);
    mean[3 * 63 + 5] = Number.NaN;
    expect(() => runSampler('coreset', input({ mean }), { budget: 1 })).toThrow(
      'candidates.mean: value at row 3, column 5 is NaN',
    );
    const std = new Float32Array(6 * 63);
    std[64] = -0.1;
    expect(() => runSampler('uncertainty', input({ std }), { budget: 1 })).toThrow(
      /candidates.std: value at row 1, column 1 is negative/,
    );
    const labelled = {
      mean: new Float32Array(2 * 63).fill(Number.POSITIVE_INFINITY),
      std: new Float32Array(2 * 63),
    };
    expect(() => runSampler('coreset', input({}, { labelled }), { budget: 1 })).toThrow(
      'labelled.mean: value at row 0, column 0 is Infinity',
    );
  });

  it('rejects empty candidates, ragged rows and bad dims', () => {
    expect(() => runSampler('random', input({ mean: new Float32Array(0) }), { budget: 1 })).toThrow(
      'candidates.mean: no candidates',
    );
    expect(() => runSampler('random', input({ mean: new Float32Array(100) }), { budget: 1 })).toThrow(
      'candidates.mean: 100 values is not a whole number of 63-value rows',
    );
    expect(() => runSampler('random', input({}, { dims: 0 }), { budget: 1 })).toThrow(
      /^dims: must be an integer ≥ 1/,
    );
    expect(() => runSampler('uncertainty', input({}, { jointCount: 4 }), { budget: 1 })).toThrow(
      'jointCount: 4 joints do not divide 63 coordinates',
    );
  });

  it('rejects bad options and unknown samplers', () => {
    for (const budget of [0, -1, 1.5, Number.NaN]) {
      expect(() => runSampler('random', input(), { budget })).toThrow(/^budget: must be an integer ≥ 1/);
    }
    expect(() => runSampler('random', input(), { budget: 1, seed: 0.5 })).toThrow(/^seed:/);
    expect(() => runSampler('cke', input(), { budget: 1, eta: -1 })).toThrow(/^eta:/);
    expect(() => runSampler('badge', input(), { budget: 1 })).toThrow(
      /unknown sampler "badge" \(known: random, /,
    );
  });

  it('checks the VL4Pose tree and link arrays', () => {
    const vl4 = (parents: number[], links = 20): SamplerInput =>
      input(
        {
          linkOffsetMean: new Float32Array(6 * links * 3),
          linkOffsetLogVar: new Float32Array(6 * links * 3),
        },
        { parents },
      );
    const chain = Array.from({ length: 21 }, (_, joint) => joint - 1);
    expect(Array.from(runSampler('vl4pose', vl4(chain), { budget: 2 }).picks)).toHaveLength(2);
    expect(() => runSampler('vl4pose', vl4(chain.slice(1)), { budget: 1 })).toThrow(
      'parents: expected 21 entries (one per joint), got 20',
    );
    const twoRoots = chain.map((parent, joint) => (joint === 5 ? -1 : parent));
    expect(() => runSampler('vl4pose', vl4(twoRoots), { budget: 1 })).toThrow(
      /parents: expected exactly one root/,
    );
    const cycle = chain.map((parent, joint) => (joint === 3 ? 4 : parent));
    expect(() => runSampler('vl4pose', vl4(cycle), { budget: 1 })).toThrow(
      /parents: joint 3 does not reach the root/,
    );
    expect(() => runSampler('vl4pose', vl4(chain, 19), { budget: 1 })).toThrow(
      'candidates.linkOffsetMean: expected 6×20×3 values, got 342',
    );
  });
});
