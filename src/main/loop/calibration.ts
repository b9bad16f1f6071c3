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

/** The ratios a fit can use, sorted: σ = 0 or a missing joint gives a ratio that is not finite. */
function usableRatios(ratios: ArrayLike<number>): Float64Array {
  return Float64Array.from(ratios)
    .filter((r) => Number.isFinite(r) && r >= 0)
    .sort();
}

/**
 * The scale c minimising Σ_k (coverage_k(c) − gaussianCoverage2d(k))² for k in CALIBRATION_LEVELS. Ratios that are
 * not finite (σ = 0, missing joints) are ignored; with none left, returns 1. Each candidate is nudged just above
 * ratio_i / k so that the joint it comes from counts as inside. Ties go to the smallest c. O(n log n).
 */
export function fitUncertaintyScale(ratios: ArrayLike<number>): number {
  const sorted = usableRatios(ratios);
  if (sorted.length === 0) return 1;
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

/** Fractions of true joints inside the 1σ and 2σ rings. */
export interface RingCoverage {
  within1Sigma: number;
  within2Sigma: number;
}

export interface CalibrationReport {
  /** Multiply σ by this to show calibrated rings. */
  scale: number;
  /** Joints with a usable error/σ ratio. */
  joints: number;
  /** Coverage of the model's own σ, and of scale·σ, on the frames the scale was fitted on. */
  before: RingCoverage;
  after: RingCoverage;
}

const ringCoverage = (ratios: Float64Array, scale: number): RingCoverage => ({
  within1Sigma: coverage(ratios, scale, 1),
  within2Sigma: coverage(ratios, scale, 2),
});

/** Fits the scale on error/σ ratios and reports the coverage before and after; null with no usable ratio. */
export function calibrate(ratios: ArrayLike<number>): CalibrationReport | null {
  const usable = usableRatios(ratios);
  if (usable.length === 0) return null;
  const scale = fitUncertaintyScale(usable);
  return {
    scale,
    joints: usable.length,
    before: ringCoverage(usable, 1),
    after: ringCoverage(usable, scale),
  };
}

/** The scales a checkpoint's σ are stored and shown with (1 where it was not calibrated). */
export interface UncertaintyScales {
  sigma: number;
  aleatoric: number;
}

const positive = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 1;

/** The scales recorded in a checkpoint's metrics (`sigmaScale`, `aleatoricScale`; see loop/common/suggestion-quality). */
export function storedScales(metrics: Record<string, unknown> | undefined): UncertaintyScales {
  return { sigma: positive(metrics?.['sigmaScale']), aleatoric: positive(metrics?.['aleatoricScale']) };
}

/** A prediction row with calibrated uncertainty: std × the σ scale, aleatoric variance × the aleatoric scale². */
export function withScales<T extends { std: Float32Array; aleatoric: Float32Array | null }>(
  row: T,
  scales: UncertaintyScales,
): T {
  const aleatoricFactor = scales.aleatoric ** 2;
  return {
    ...row,
    std: row.std.map((s) => s * scales.sigma),
    aleatoric: row.aleatoric && row.aleatoric.map((v) => v * aleatoricFactor),
  };
}
