/**
 * Uncertainty calibration. A joint's ring of radius k·σ should hold the true joint as often as a 2-D isotropic
 * Gaussian would: P(r < kσ) = 1 − exp(−k²/2) (39.3 % at 1σ, 86.5 % at 2σ). MC-dropout σ is usually too small (or,
 * for some nets, too large) by a roughly constant factor, so we fit one scale c per model on held-out labelled
 * frames — never the test split — and show c·σ. The fit minimises the squared coverage error at k = 1 and 2 over
 * every candidate c at which a coverage count changes (ratio_i / k), so it is exact and has no step size.
 */
export const CALIBRATION_LEVELS = [1, 2] as const;

/** Expected fraction inside k·σ for a 2-D isotropic Gaussian. */
export function gaussianCoverage2d(k: number): number {
  return 1 - Math.exp(-(k * k) / 2);
}

/** Fraction of `ratios` (error / σ, any order) strictly below `k · scale`. O(n). */
export function coverage(ratios: ArrayLike<number>, scale: number, k: number): number {
  if (ratios.length === 0) return Number.NaN;
  let inside = 0;
  for (let i = 0; i < ratios.length; i++) if (ratios[i]! < k * scale) inside++;
  return inside / ratios.length;
}

/** Count of sorted values strictly below x (binary search). */
function countBelow(sorted: Float64Array, x: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The scale c minimising Σ_k (coverage_k(c) − gaussianCoverage2d(k))² for k in CALIBRATION_LEVELS. Ratios that are
 * not finite (σ = 0, missing joints) are ignored; with none left, returns 1. Each candidate is nudged just above
 * ratio_i / k so that the joint it comes from counts as inside. Ties go to the smallest c. O(n log n).
 */
export function fitUncertaintyScale(ratios: ArrayLike<number>): number {
  const sorted = Float64Array.from(ratios).filter((r) => Number.isFinite(r) && r >= 0);
  if (sorted.length === 0) return 1;
  sorted.sort();
  const n = sorted.length;
  const objective = (scale: number): number =>
    CALIBRATION_LEVELS.reduce(
      (sum, k) => sum + (countBelow(sorted, k * scale) / n - gaussianCoverage2d(k)) ** 2,
      0,
    );
  let best = { scale: 1, value: Infinity };
  for (const k of CALIBRATION_LEVELS) {
    for (const ratio of sorted) {
      const scale = (ratio / k) * (1 + 1e-9) + Number.MIN_VALUE;
      const value = objective(scale);
      if (value < best.value || (value === best.value && scale < best.scale)) best = { scale, value };
    }
  }
  return best.scale;
}

export interface CalibrationReport {
  scale: number;
  /** Coverage of the calibrated rings at 1σ and 2σ on the frames the scale was fitted on. */
  coverage1: number;
  coverage2: number;
  joints: number;
}

/** Fits the scale on error/σ ratios and reports the coverage it reaches. */
export function calibrate(ratios: ArrayLike<number>): CalibrationReport {
  const finite = Float64Array.from(ratios).filter((r) => Number.isFinite(r) && r >= 0);
  const scale = fitUncertaintyScale(finite);
  return {
    scale,
    coverage1: coverage(finite, scale, 1),
    coverage2: coverage(finite, scale, 2),
    joints: finite.length,
  };
}
