import type {
  CurveMetric,
  CurvePoint,
  ExperimentCell,
  GapPoint,
  Recommendation,
} from '../contract/experiments';
import { meanInterval, pairedTTest } from '../stats';

/** Whether a smaller metric value is better (errors in mm) or a larger one (PCKh). */
export const lowerIsBetter = (metric: CurveMetric): boolean => metric === 'test_error_mm';

const samplersOf = (cells: readonly ExperimentCell[]) => [...new Set(cells.map((c) => c.sampler))];
const roundsOf = (cells: readonly ExperimentCell[]) =>
  [...new Set(cells.map((c) => c.round))].sort((a, b) => a - b);

/** Per sampler and stage: mean, sample std and Student-t 95 % CI of the test metric over trials. */
export function learningCurves(cells: readonly ExperimentCell[]): Record<string, CurvePoint[]> {
  const curves: Record<string, CurvePoint[]> = {};
  for (const sampler of samplersOf(cells)) {
    const own = cells.filter((c) => c.sampler === sampler);
    curves[sampler] = roundsOf(own).map((round) => {
      const rows = own.filter((c) => c.round === round);
      const { mean, sd, low, high } = meanInterval(rows.map((r) => r.value));
      return { round, labelled: rows[0]!.labelled, mean, std: sd, low, high, trials: rows.length };
    });
  }
  return curves;
}

/** Per sampler (random left out) and stage: the paired gap to random over the trials both finished. */
export function gapsToRandom(cells: readonly ExperimentCell[]): Record<string, GapPoint[]> {
  const random = new Map(
    cells.filter((c) => c.sampler === 'random').map((c) => [`${c.trial}/${c.round}`, c.value]),
  );
  const gaps: Record<string, GapPoint[]> = {};
  for (const sampler of samplersOf(cells).filter((s) => s !== 'random')) {
    const own = cells.filter((c) => c.sampler === sampler && random.has(`${c.trial}/${c.round}`));
    gaps[sampler] = roundsOf(own).map((round) => {
      const rows = own.filter((c) => c.round === round).sort((a, b) => a.trial - b.trial);
      const test = pairedTTest(
        rows.map((r) => r.value),
        rows.map((r) => random.get(`${r.trial}/${r.round}`)!),
      );
      return {
        round,
        labelled: rows[0]!.labelled,
        n: test.n,
        mean: test.mean,
        low: test.low,
        high: test.high,
        p: test.p,
      };
    });
  }
  return gaps;
}

const percent = (x: number) => `${(100 * x).toFixed(x > 0.999 && x < 1 ? 2 : 1)} %`;

/** A gap in the metric's own words: "2.10 mm lower error" or "3.2 PCKh points higher". */
export function gapWords(metric: CurveMetric, gap: number): string {
  const better = lowerIsBetter(metric) ? gap < 0 : gap > 0;
  return metric === 'test_error_mm'
    ? `${Math.abs(gap).toFixed(2)} mm ${better ? 'lower' : 'higher'} error`
    : `${(100 * Math.abs(gap)).toFixed(1)} PCKh points ${better ? 'higher' : 'lower'}`;
}

/**
 * Which sampler to use: the one whose final-stage gap to random is best, if its paired 95 % CI excludes 0 in its
 * favour; otherwise random (it needs no MC inference), saying which sampler came closest and with what confidence.
 * Confidence = 1 − p of the two-sided paired t-test: the highest level at which the CI still excludes 0.
 */
export function recommend(metric: CurveMetric, gaps: Record<string, GapPoint[]>): Recommendation | null {
  const sign = lowerIsBetter(metric) ? -1 : 1;
  const finals = Object.entries(gaps)
    .map(([sampler, points]) => ({ sampler, gap: points[points.length - 1]! }))
    .filter((f) => f.gap !== undefined);
  if (finals.length === 0) return null;
  const best = finals.sort((a, b) => sign * (b.gap.mean - a.gap.mean))[0]!;
  const { gap } = best;
  const favours = sign * gap.mean > 0;
  const shown = verdict(metric, gap) === 'better';
  const confidence = gap.p === null ? null : 1 - gap.p;
  const at = `at ${gap.labelled} labels (${gap.n} paired trials, 95 % CI ${ci(gap, metric)})`;
  if (shown)
    return {
      sampler: best.sampler,
      shown,
      confidence,
      gap,
      sentence: `Use ${best.sampler}: ${gapWords(metric, gap.mean)} than random ${at}; confidence ${percent(confidence!)} (paired t-test).`,
    };
  const closest = favours
    ? `${best.sampler} came closest: ${gapWords(metric, gap.mean)} than random ${at}${confidence === null ? '' : `, confidence ${percent(confidence)}`}`
    : `every sampler did worse than random on average; the best, ${best.sampler}, had ${gapWords(metric, gap.mean)} ${at}`;
  return {
    sampler: 'random',
    shown: false,
    confidence,
    gap,
    sentence: `Use random: no sampler beats it on this data at 95 % confidence (paired t-test); ${closest}.`,
  };
}

/** Where a gap's 95 % CI lies: wholly on random's better or worse side, or across 0 (null: one trial). */
export function verdict(
  metric: CurveMetric,
  gap: { low: number | null; high: number | null },
): 'better' | 'worse' | 'not shown' | null {
  if (gap.low === null || gap.high === null) return null;
  const sign = lowerIsBetter(metric) ? -1 : 1;
  const [near, far] = sign > 0 ? [gap.low, gap.high] : [-gap.high, -gap.low];
  if (near > 0) return 'better';
  if (far < 0) return 'worse';
  return 'not shown';
}

/** "[−2.94, 0.02] mm" or "[−1.2, 3.4] points". */
export function ci(gap: { low: number | null; high: number | null }, metric: CurveMetric): string {
  if (gap.low === null || gap.high === null) return 'n/a (one trial)';
  return metric === 'test_error_mm'
    ? `[${gap.low.toFixed(2)}, ${gap.high.toFixed(2)}] mm`
    : `[${(100 * gap.low).toFixed(1)}, ${(100 * gap.high).toFixed(1)}] points`;
}
