import { studentTQuantile, studentTUpperTail } from './student-t';

/** A paired comparison of two conditions measured on the same trials. */
export interface PairedComparison {
  /** Trials with both values. */
  n: number;
  /** Mean of the differences a − b. */
  mean: number;
  /** Sample standard deviation of the differences (n − 1 in the denominator; null below 2 trials). */
  sd: number | null;
  /** Two-sided confidence interval of the mean difference (null below 2 trials). */
  low: number | null;
  high: number | null;
  /** Paired t statistic and its two-sided p-value (null below 2 trials; t infinite when every difference agrees). */
  t: number | null;
  p: number | null;
}

/** Mean and sample std, with a `level` two-sided Student-t confidence interval of the mean. */
export function meanInterval(values: readonly number[], level = 0.95) {
  const n = values.length;
  const mean = n ? values.reduce((s, v) => s + v, 0) / n : Number.NaN;
  if (n < 2) return { n, mean, sd: null, low: null, high: null };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(0.5 + level / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, low: mean - half, high: mean + half };
}

/**
 * The paired t-test of a against b (same trial index = same pair): mean difference a − b with its `level`
 * Student-t confidence interval and the two-sided p-value of "no difference".
 */
export function pairedTTest(a: readonly number[], b: readonly number[], level = 0.95): PairedComparison {
  if (a.length !== b.length)
    throw new RangeError(`paired samples need equal lengths (${a.length} vs ${b.length})`);
  const interval = meanInterval(
    a.map((v, i) => v - b[i]!),
    level,
  );
  if (interval.sd === null) return { ...interval, t: null, p: null };
  const se = interval.sd / Math.sqrt(interval.n);
  const t = se > 0 ? interval.mean / se : interval.mean === 0 ? 0 : Math.sign(interval.mean) * Infinity;
  const p = Math.min(1, 2 * studentTUpperTail(Math.abs(t), interval.n - 1));
  return { ...interval, t, p };
}
