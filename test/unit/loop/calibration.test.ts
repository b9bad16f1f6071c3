import { describe, expect, it } from 'vitest';
import {
  calibrate,
  coverage,
  fitUncertaintyScale,
  gaussianCoverage2d,
} from '../../../src/main/loop/calibration';
import { createRng } from '../../../src/shared/random';

describe('uncertainty calibration', () => {
  it('knows the 2-D Gaussian coverages', () => {
    expect(gaussianCoverage2d(1)).toBeCloseTo(0.3934693402873666, 15);
    expect(gaussianCoverage2d(2)).toBeCloseTo(0.8646647167633873, 15);
  });

  it('counts coverage strictly inside the ring', () => {
    expect(coverage([0.5, 1, 1.5, 3], 1, 1)).toBe(0.25);
    expect(coverage([0.5, 1, 1.5, 3], 1, 2)).toBe(0.75);
    expect(coverage([0.5, 1, 1.5, 3], 2, 1)).toBe(0.75);
    expect(coverage([], 1, 1)).toBeNaN();
  });

  it('picks the exact scale for a small set', () => {
    // Ratios 1..10. Just above c = 4 the coverages are (0.4, 0.8): error 0.0000426 + 0.00418; just above
    // c = 4.5 (from ratio 9 at k = 2) they are (0.4, 0.9): 0.0000426 + 0.00125, the minimum; c = 5 gives
    // (0.5, 1.0). Ties go to the smallest c, so c = 4.5 nudged up.
    const ratios = Array.from({ length: 10 }, (_, i) => i + 1);
    const scale = fitUncertaintyScale(ratios);
    expect(scale).toBeCloseTo(4.5, 8);
    expect(scale).toBeGreaterThan(4.5);
    expect(coverage(ratios, scale, 1)).toBe(0.4);
    expect(coverage(ratios, scale, 2)).toBe(0.9);
    // The report: the model's own σ (scale 1) holds no joint at 1σ and ratio 1 at 2σ; calibrated, 0.4 and 0.9.
    expect(calibrate(ratios.reverse())).toEqual({
      scale,
      joints: 10,
      before: { within1Sigma: 0, within2Sigma: 0.1 },
      after: { within1Sigma: 0.4, within2Sigma: 0.9 },
    });
  });

  it('recovers the factor by which σ is too small on Gaussian errors', () => {
    const rng = createRng(7);
    // True 2-D errors with σ_true = 3 while the model claims σ = 1: ratios are 3 × Rayleigh(1).
    const ratios = Float64Array.from({ length: 20_000 }, () => 3 * Math.hypot(rng.normal(), rng.normal()));
    const report = calibrate(ratios)!;
    expect(report.scale).toBeGreaterThan(2.9);
    expect(report.scale).toBeLessThan(3.1);
    expect(report.after.within1Sigma).toBeGreaterThan(0.37);
    expect(report.after.within1Sigma).toBeLessThan(0.42);
    expect(report.after.within2Sigma).toBeGreaterThan(0.84);
    expect(report.after.within2Sigma).toBeLessThan(0.89);
    // Uncalibrated, the rings are 3× too small: P(R < 1/3) = 1 − e^(−1/18) ≈ 5.4 %, P(R < 2/3) ≈ 19.9 %.
    expect(report.before.within1Sigma).toBeCloseTo(0.054, 1);
    expect(report.before.within2Sigma).toBeCloseTo(0.199, 1);
    expect(report.joints).toBe(20_000);
  });

  it('ignores non-finite ratios and falls back to 1 with nothing to fit', () => {
    expect(fitUncertaintyScale([Infinity, Number.NaN])).toBe(1);
    expect(calibrate([Infinity, 2])!.joints).toBe(1);
    expect(calibrate([Number.NaN, -1])).toBeNull();
  });
});
