import { describe, expect, it } from 'vitest';
import {
  logGamma,
  meanInterval,
  pairedTTest,
  studentTCdf,
  studentTQuantile,
  studentTUpperTail,
} from '../../../src/shared/stats';

// Reference values: scipy 1.17.1 (stats.t.ppf / t.cdf / t.sf / ttest_rel).
const QUANTILES: [df: number, q975: number, q995: number, cdfMinus2_5: number][] = [
  [1, 12.706204736174694, 63.656741162871526, 0.12111894159084341],
  [2, 4.302652729749462, 9.924843200918287, 0.06480586011075541],
  [3, 3.1824463052837078, 5.840909309733355, 0.04385332350403278],
  [4, 2.7764451051977934, 4.604094871349992, 0.03338327240599407],
  [5, 2.5705818356363146, 4.032142983555228, 0.02724504967118813],
  [9, 2.262157162798205, 3.249835541592126, 0.016930913841492867],
  [29, 2.045229642132703, 2.756385903670605, 0.009162672169213043],
  [100, 1.9839715185235518, 2.6258905214380173, 0.007022894562038586],
  [1.5, 6.016663104427929, 17.820310514462804, 0.08490325130734802],
];

describe('Student t distribution', () => {
  it('log-gamma matches exact factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(0.25)).toBeCloseTo(1.2880225246980774, 13);
  });

  it.each(QUANTILES)('df %d: quantiles and CDF as scipy gives them', (df, q975, q995, cdf) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(q975, 10);
    expect(studentTQuantile(0.995, df)).toBeCloseTo(q995, 9);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-q975, 10);
    expect(studentTCdf(-2.5, df)).toBeCloseTo(cdf, 13);
    expect(studentTCdf(q975, df)).toBeCloseTo(0.975, 13);
  });

  it('keeps relative precision far in the tail and at the edges', () => {
    expect(studentTCdf(0.5, 7)).toBeCloseTo(0.6837964321553578, 14);
    expect(studentTUpperTail(40, 3) / 1.7190340394579253e-5).toBeCloseTo(1, 10);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(1, 3)).toBe(Infinity);
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/degrees of freedom/);
    expect(() => studentTQuantile(1.2, 3)).toThrow(/probability/);
  });
});

describe('paired t-test', () => {
  // Final-stage errors (mm) of two samplers on the same 5 trials.
  const random = [52.9, 51.0, 53.4, 50.2, 54.1];
  const sampler = [50.6, 51.5, 51.0, 49.0, 52.2];

  it('gives the mean difference, its 95 % CI and p as scipy’s ttest_rel', () => {
    const r = pairedTTest(sampler, random);
    expect(r.n).toBe(5);
    expect(r.mean).toBeCloseTo(-1.46, 12);
    expect(r.sd).toBeCloseTo(1.1928956366757308, 12);
    expect(r.t).toBeCloseTo(-2.7367517717202747, 11);
    expect(r.p).toBeCloseTo(0.0520793948552116, 12);
    expect(r.low).toBeCloseTo(-2.9411755656746124, 11);
    expect(r.high).toBeCloseTo(0.021175565674613317, 11);
  });

  it('handles one trial, identical pairs and a constant shift', () => {
    expect(pairedTTest([1], [2])).toEqual({
      n: 1,
      mean: -1,
      sd: null,
      low: null,
      high: null,
      t: null,
      p: null,
    });
    expect(pairedTTest([3, 4], [3, 4])).toMatchObject({ mean: 0, sd: 0, low: 0, high: 0, t: 0, p: 1 });
    expect(pairedTTest([3, 5], [2, 4])).toMatchObject({ mean: 1, low: 1, high: 1, t: Infinity, p: 0 });
    expect(() => pairedTTest([1, 2], [1])).toThrow(/equal lengths/);
  });

  it('mean interval: t quantile × standard error', () => {
    const r = meanInterval([10, 14], 0.95);
    // sd = 2√2, se = 2, t(0.975, 1) = 12.7062…
    expect(r.low).toBeCloseTo(12 - 2 * 12.706204736174694, 9);
    expect(r.high).toBeCloseTo(12 + 2 * 12.706204736174694, 9);
  });
});
