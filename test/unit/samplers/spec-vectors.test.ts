/** The deterministic test vectors of the specs: bayesian-deepprior-cke §8 T4–T7 and vl4pose §9 TV-F, TV-I. */
import { describe, expect, it } from 'vitest';
import { kCenterGreedy, poseLogLikelihood, runSampler, type SamplerInput } from '../../../src/main/samplers';

const f32 = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());

/** T5: candidates 0–3, labelled 4–5, 2-D "skeletons". */
const T5: SamplerInput = {
  dims: 2,
  jointCount: 1,
  candidates: {
    mean: f32([
      [0.5, 0.1],
      [-0.4, 0.3],
      [0.1, -0.45],
      [-0.3, -0.35],
    ]),
    std: f32([
      [0.05, 0.05],
      [0.6, 0.6],
      [0.1, 0.1],
      [0.2, 0.2],
    ]),
  },
  labelled: {
    mean: f32([
      [0.05, 0.05],
      [-0.1, 0.4],
    ]),
    std: f32([
      [0.1, 0.1],
      [0.1, 0.1],
    ]),
  },
};

const picksOf = (id: string, input: SamplerInput, options: { budget: number; eta?: number }): number[] =>
  Array.from(runSampler(id, input, options).picks);

describe('T4 uncertainty sampling', () => {
  const input: SamplerInput = {
    dims: 3,
    candidates: {
      mean: new Float32Array(15),
      std: f32([
        [0.01, 0.02, 0.0],
        [0.05, 0.0, 0.01],
        [0.02, 0.025, 0.02],
        [0.0, 0.0, 0.07],
        [0.03, 0.01, 0.01],
      ]),
    },
    labelled: { mean: new Float32Array(0) },
  };

  it('selects candidates 2 and 3, most uncertain first', () => {
    const selection = runSampler('uncertainty', input, { budget: 2 });
    // The spec lists [2, 3]: the reference's ascending sort (G24). We rank most uncertain first.
    expect(Array.from(selection.picks)).toEqual([3, 2]);
    expect(selection.reasons.map((r) => (r.kind === 'uncertainty' ? r.sumStd : NaN))).toEqual([
      expect.closeTo(0.07, 6),
      expect.closeTo(0.065, 6),
    ]);
  });

  it('explains the pick by its joints', () => {
    const [reason] = runSampler('uncertainty', input, { budget: 1 }).reasons;
    expect(reason).toMatchObject({ kind: 'uncertainty', topJoints: [{ joint: 0 }] });
  });
});

describe('T5 CoreSet', () => {
  it('picks [3, 0] with the spec distances', () => {
    const selection = runSampler('coreset', T5, { budget: 2 });
    expect(Array.from(selection.picks)).toEqual([3, 0]);
    expect(selection.reasons[0]).toMatchObject({
      kind: 'coreset',
      distance: expect.closeTo(0.531507, 6),
      nearest: { set: 'labelled', index: 0 },
    });
    expect(selection.reasons[1]).toMatchObject({ distance: expect.closeTo(0.452769, 6) });
  });

  it('breaks ties by the first index', () => {
    const ties: SamplerInput = {
      dims: 2,
      jointCount: 1,
      candidates: {
        mean: f32([
          [1, 0],
          [-1, 0],
          [0, 0.5],
        ]),
      },
      labelled: { mean: f32([[0, 0]]) },
    };
    expect(picksOf('coreset', ties, { budget: 1 })).toEqual([0]);
  });

  it('matches kCenterGreedy with the labelled rows given by index', () => {
    const all = Float32Array.from([...T5.candidates.mean, ...T5.labelled.mean]);
    const result = kCenterGreedy(all, 2, { indices: [4, 5] }, 2);
    expect(Array.from(result.picks)).toEqual([3, 0]);
    expect(result.distances[1]).toBeCloseTo(0.452769, 6);
  });
});

describe('T6 CKE as implemented', () => {
  it('picks [0, 2] at η 0.3 (the default)', () => {
    expect(picksOf('cke', T5, { budget: 2 })).toEqual([0, 2]);
    const selection = runSampler('cke', T5, { budget: 2, eta: 0.3 });
    expect(Array.from(selection.picks)).toEqual([0, 2]);
    expect(selection.reasons[0]).toMatchObject({
      kind: 'cke',
      distance: expect.closeTo(0.469521, 6),
      eta: 0.3,
    });
    expect(selection.reasons[1]).toMatchObject({ distance: expect.closeTo(0.442832, 6) });
  });

  it('picks [0, 1] at η 1.0 (sign flip, no clamp)', () => {
    const selection = runSampler('cke', T5, { budget: 2, eta: 1 });
    expect(Array.from(selection.picks)).toEqual([0, 1]);
    expect(selection.reasons[1]).toMatchObject({ distance: expect.closeTo(0.353553, 6) });
  });

  it('reproduces CoreSet at η 0', () => {
    expect(picksOf('cke', T5, { budget: 2, eta: 0 })).toEqual([3, 0]);
  });
});

describe('T7 CKE per Algorithm 1', () => {
  it('picks [3, 0] at η 0.3', () => {
    const selection = runSampler('cke-alg1', T5, { budget: 2, eta: 0.3 });
    expect(Array.from(selection.picks)).toEqual([3, 0]);
    expect(selection.reasons[0]).toMatchObject({
      kind: 'cke-alg1',
      upperDistance: expect.closeTo(0.510343, 6),
    });
    expect(selection.reasons[1]).toMatchObject({
      upperDistance: expect.closeTo(0.444536, 6),
      nearest: { set: 'labelled', index: 0 },
    });
  });

  it('picks [2, 0] at η 1.0, rescoring candidate 3 against the new centre', () => {
    const selection = runSampler('cke-alg1', T5, { budget: 3, eta: 1 });
    expect(Array.from(selection.picks.subarray(0, 2))).toEqual([2, 0]);
    expect(selection.reasons[0]).toMatchObject({ upperDistance: expect.closeTo(0.502494, 6) });
    expect(selection.reasons[1]).toMatchObject({ upperDistance: expect.closeTo(0.425735, 6) });
    // Third pick shows candidate 3's centre switched to the picked candidate 2.
    expect(selection.reasons[2]).toMatchObject({
      upperDistance: expect.closeTo(0.380789, 6),
      nearest: { set: 'picked', index: 2 },
    });
  });
});

describe('TV-F VL4Pose hand offset model (diagonal), chain P → T1 → T2', () => {
  const parents = [-1, 0, 1];
  const pose = [0, 0, 0, 11, -1, 8, 20, 1, 9];
  const offsetMean = [10, 0, 5, 8, 2, 0];
  const offsetLogVar = [Math.log(4), Math.log(4), Math.log(9), 0, 0, Math.log(2)];

  it('gives the per-link and total log-likelihoods', () => {
    const { loglik, perLink } = poseLogLikelihood(pose, parents, offsetMean, offsetLogVar);
    expect(Math.abs(perLink[0]! - -5.991722249402018)).toBeLessThan(1e-9);
    expect(Math.abs(perLink[1]! - -3.8533891898939907)).toBeLessThan(1e-9);
    expect(Math.abs(loglik - -9.845111439296009)).toBeLessThan(1e-9);
  });

  it('selects the least likely pose first and names its worst link', () => {
    const rows = 2;
    const shifted = pose.map((value, k) => (k === 7 ? value + 5 : value)); // T2 moved 5 along y
    const input: SamplerInput = {
      dims: 9,
      parents,
      candidates: {
        mean: Float32Array.from([...pose, ...shifted]),
        linkOffsetMean: Float32Array.from({ length: rows * 6 }, (_, k) => offsetMean[k % 6]!),
        linkOffsetLogVar: Float32Array.from({ length: rows * 6 }, (_, k) => offsetLogVar[k % 6]!),
      },
      labelled: { mean: new Float32Array(0) },
    };
    const selection = runSampler('vl4pose', input, { budget: 2 });
    expect(Array.from(selection.picks)).toEqual([1, 0]);
    const [worst, best] = selection.reasons;
    expect(best).toMatchObject({ kind: 'vl4pose', loglik: expect.closeTo(-9.845111439296009, 4) });
    expect(worst).toMatchObject({ leastLikelyLinks: [{ link: 1, parent: 1, child: 2 }, { link: 0 }] });
  });
});

describe('TV-I Core-Set on embeddings', () => {
  it('picks index 4, then 3', () => {
    const embeddings = Float32Array.from([0, 0, 1, 0, 5, 0, 5, 1, 10, 0]);
    expect(Array.from(kCenterGreedy(embeddings, 2, { indices: [0] }, 2).picks)).toEqual([4, 3]);
  });
});
