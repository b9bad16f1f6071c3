/**
 * Properties over random inputs for every sampler, and the pruned k-center paths checked against plain brute force
 * (same tie rules: first argmin for the nearest centre, first argmax for the pick).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '@shared/random';
import { kCenterGreedy, runSampler, SAMPLERS, type SamplerInput } from '../../../src/main/samplers';

type Layout = 'gaussian' | 'low-rank' | 'duplicates';

/** Random predictions: Gaussian, low-rank (pose-like), or drawn from 5 distinct rows (many exact ties). */
function randomRows(rows: number, dims: number, layout: Layout, seed: number): Float32Array {
  const rng = createRng(seed);
  const distinct = Array.from({ length: 5 }, () => Array.from({ length: dims }, () => rng.normal()));
  const basis = Array.from({ length: 3 }, () => Array.from({ length: dims }, () => rng.normal()));
  const values = new Float32Array(rows * dims);
  for (let i = 0; i < rows; i++) {
    const pick = distinct[rng.int(5)]!;
    const latent = basis.map(() => rng.normal());
    for (let c = 0; c < dims; c++) {
      values[i * dims + c] =
        layout === 'gaussian'
          ? rng.normal()
          : layout === 'duplicates'
            ? pick[c]!
            : latent.reduce((sum, z, l) => sum + z * basis[l]![c]!, 0) + 0.01 * rng.normal();
    }
  }
  return values;
}

function randomStd(rows: number, dims: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * dims }, () => rng.uniform(0, 0.3));
}

/** A full random input with every optional field, for a 3-joint chain in D = dims / 3. */
function randomInput(
  candidates: number,
  labelled: number,
  dims: number,
  layout: Layout,
  seed: number,
): SamplerInput {
  const jointCount = 3;
  const links = (jointCount - 1) * (dims / jointCount);
  const rng = createRng(seed + 7);
  return {
    dims,
    jointCount,
    parents: [-1, 0, 1],
    candidates: {
      mean: randomRows(candidates, dims, layout, seed),
      std: randomStd(candidates, dims, seed + 1),
      aleatoric: randomStd(candidates, dims, seed + 2),
      linkOffsetMean: Float32Array.from({ length: candidates * links }, () => rng.normal()),
      linkOffsetLogVar: Float32Array.from({ length: candidates * links }, () => rng.uniform(-2, 1)),
    },
    labelled: {
      mean: randomRows(labelled, dims, layout, seed + 3),
      std: randomStd(labelled, dims, seed + 4),
    },
  };
}

/** Plain k-center greedy: labelled rows as centres, full distances, no pruning. */
function bruteKCenter(
  candidates: Float32Array,
  labelled: Float32Array,
  dims: number,
  budget: number,
): number[] {
  const n = candidates.length / dims;
  const squared = (a: Float32Array, i: number, b: Float32Array, j: number): number => {
    let sum = 0;
    for (let c = 0; c < dims; c++) sum += (a[i * dims + c]! - b[j * dims + c]!) ** 2;
    return sum;
  };
  const minSquared = Array.from({ length: n }, (_, i) => {
    let best = Infinity;
    for (let j = 0; j < labelled.length / dims; j++)
      best = Math.min(best, squared(candidates, i, labelled, j));
    return best;
  });
  const picks: number[] = [];
  while (picks.length < Math.min(budget, n)) {
    let pick = -1;
    for (let i = 0; i < n; i++)
      if (!picks.includes(i) && (pick < 0 || minSquared[i]! > minSquared[pick]!)) pick = i;
    picks.push(pick);
    for (let i = 0; i < n; i++)
      minSquared[i] = Math.min(minSquared[i]!, squared(candidates, i, candidates, pick));
  }
  return picks;
}

/** Plain Algorithm 1: lower-bound first-argmin centre over (labelled…, picks…), upper-bound score, first argmax. */
function bruteAlg1(input: SamplerInput, eta: number, budget: number): number[] {
  const { dims } = input;
  const shift = (mean: Float32Array, std: Float32Array, by: number): Float32Array =>
    Float32Array.from(mean, (value, k) => value + by * std[k]!);
  const lo = shift(input.candidates.mean, input.candidates.std!, -eta / 2);
  const up = shift(input.candidates.mean, input.candidates.std!, eta / 2);
  const labelledLo = shift(input.labelled.mean, input.labelled.std!, -eta / 2);
  const labelledUp = shift(input.labelled.mean, input.labelled.std!, eta / 2);
  const squared = (a: Float32Array, i: number, b: Float32Array, j: number): number => {
    let sum = 0;
    for (let c = 0; c < dims; c++) sum += (a[i * dims + c]! - b[j * dims + c]!) ** 2;
    return sum;
  };
  const n = lo.length / dims;
  const best = new Array<number>(n).fill(Infinity);
  const score = new Array<number>(n).fill(Infinity);
  // Offer centres in order (labelled, then each pick); a strictly nearer one replaces the nearest and its score.
  const offer = (centresLo: Float32Array, centresUp: Float32Array, j: number): void => {
    for (let i = 0; i < n; i++) {
      const d = squared(lo, i, centresLo, j);
      if (d < best[i]!) [best[i], score[i]] = [d, squared(up, i, centresUp, j)];
    }
  };
  for (let j = 0; j < labelledLo.length / dims; j++) offer(labelledLo, labelledUp, j);
  const picks: number[] = [];
  while (picks.length < Math.min(budget, n)) {
    let pick = -1;
    for (let i = 0; i < n; i++) if (!picks.includes(i) && (pick < 0 || score[i]! > score[pick]!)) pick = i;
    picks.push(pick);
    offer(lo, up, pick);
  }
  return picks;
}

const LAYOUTS: Layout[] = ['gaussian', 'low-rank', 'duplicates'];
const SHAPES = [
  { candidates: 1, labelled: 0, dims: 3 },
  { candidates: 7, labelled: 3, dims: 3 },
  { candidates: 40, labelled: 0, dims: 6 },
  { candidates: 120, labelled: 50, dims: 9 },
  { candidates: 400, labelled: 300, dims: 63 },
];

describe('every sampler on random inputs', () => {
  for (const { id } of SAMPLERS) {
    it(`${id}: unique picks from the candidates, exactly min(B, n), deterministic`, () => {
      let seed = 1;
      for (const shape of SHAPES) {
        for (const layout of LAYOUTS) {
          const input = randomInput(shape.candidates, shape.labelled, shape.dims, layout, seed++);
          for (const budget of [1, 5, shape.candidates, shape.candidates + 3]) {
            const options = { budget, seed: 42, eta: 0.3 };
            const selection = runSampler(id, input, options);
            const picks = Array.from(selection.picks);
            expect(picks).toHaveLength(Math.min(budget, shape.candidates));
            expect(new Set(picks).size).toBe(picks.length);
            expect(
              picks.every((pick) => Number.isInteger(pick) && pick >= 0 && pick < shape.candidates),
            ).toBe(true);
            expect(selection.reasons).toHaveLength(picks.length);
            expect(selection.reasons.every((reason) => reason.sentence.length > 0)).toBe(true);
            expect(Array.from(runSampler(id, input, options).picks)).toEqual(picks);
          }
        }
      }
    });
  }

  it('random: another seed gives another order, and the selection is JSON-able', () => {
    const input = randomInput(50, 0, 3, 'gaussian', 9);
    const a = runSampler('random', input, { budget: 10, seed: 1 });
    const b = runSampler('random', input, { budget: 10, seed: 2 });
    expect(Array.from(a.picks)).not.toEqual(Array.from(b.picks));
    expect(JSON.parse(JSON.stringify(a.reasons))).toEqual(a.reasons);
  });
});

describe('pruned k-center equals brute force', () => {
  let seed = 100;
  for (const layout of LAYOUTS) {
    for (const { candidates, labelled, dims } of [
      { candidates: 300, labelled: 0, dims: 3 },
      { candidates: 300, labelled: 200, dims: 6 },
      { candidates: 400, labelled: 400, dims: 21 },
      { candidates: 300, labelled: 600, dims: 63 },
    ]) {
      const caseSeed = seed++;
      it(`${layout}, ${candidates}×${labelled}, C ${dims}`, () => {
        const input = randomInput(candidates, labelled, dims, layout, caseSeed);
        const budget = 60;
        const expected = bruteKCenter(input.candidates.mean, input.labelled.mean, dims, budget);
        expect(Array.from(runSampler('coreset', input, { budget }).picks)).toEqual(expected);
        expect(Array.from(runSampler('cke', input, { budget, eta: 0 }).picks)).toEqual(expected);
        expect(Array.from(runSampler('cke-alg1', input, { budget, eta: 0.6 }).picks)).toEqual(
          bruteAlg1(input, 0.6, budget),
        );
      });
    }
  }

  it('works on features whose width is no multiple of 3 or 8 (C = 2, 5)', () => {
    for (const dims of [2, 5]) {
      const features = randomRows(200, dims, 'low-rank', dims);
      const centres = randomRows(150, dims, 'low-rank', dims + 1);
      const expected = bruteKCenter(features, centres, dims, 40);
      expect(Array.from(kCenterGreedy(features, dims, { features: centres }, 40).picks)).toEqual(expected);
      const input = { dims, candidates: { mean: features }, labelled: { mean: centres } };
      expect(Array.from(runSampler('coreset', input, { budget: 40 }).picks)).toEqual(expected);
    }
  });

  it('kCenterGreedy by index never re-picks an initial centre and starts at row 0 without centres', () => {
    const features = randomRows(50, 4, 'duplicates', 3);
    const picks = Array.from(kCenterGreedy(features, 4, { indices: [0, 1, 2] }, 50).picks);
    expect(picks).toHaveLength(47);
    expect(picks.some((pick) => pick < 3)).toBe(false);
    expect(kCenterGreedy(features, 4, { features: new Float32Array(0) }, 1).picks[0]).toBe(0);
  });
});
