import type { CurveMetric, ExperimentSummary } from '../contract/experiments';
import { ci, lowerIsBetter, verdict } from './summary';

/** A metric value as the tables print it: mm with one decimal, PCKh in percent. */
export function formatMetric(metric: CurveMetric, value: number): string {
  return metric === 'test_error_mm' ? value.toFixed(1) : (100 * value).toFixed(1);
}

/** A gap to random: mm with two decimals (as its CI), PCKh points with one. */
const formatGap = (metric: CurveMetric, value: number) =>
  metric === 'test_error_mm' ? value.toFixed(2) : (100 * value).toFixed(1);

const unit = (metric: CurveMetric) => (metric === 'test_error_mm' ? 'mm' : 'PCKh@0.5 in %');

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const hours = (seconds: number) =>
  seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${(seconds / 60).toFixed(0)} min`;
const pValue = (p: number | null) => (p === null ? 'n/a' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/**
 * The report's markdown: learning curves (mean ± 95 % CI half-width), each sampler's paired gap to random per stage
 * and at the end, and the simulated annotation cost; the recommendation first.
 */
export function reportTables(summary: ExperimentSummary): string {
  const { metric } = summary;
  const m = (v: number) => formatMetric(metric, v);
  const labelled = [...new Set(Object.values(summary.curves).flatMap((c) => c.map((p) => p.labelled)))].sort(
    (a, b) => a - b,
  );
  const curveRows = Object.entries(summary.curves).map(([sampler, points]) => [
    sampler,
    ...labelled.map((n) => {
      const p = points.find((x) => x.labelled === n);
      if (!p) return '';
      return p.low === null ? m(p.mean) : `${m(p.mean)} ± ${m(p.high! - p.mean)}`;
    }),
  ]);
  const gapRows = Object.entries(summary.gaps).map(([sampler, points]) => [
    sampler,
    ...labelled.map((n) => {
      const g = points.find((x) => x.labelled === n);
      return g ? `${formatGap(metric, g.mean)} ${ci(g, metric).replace(/ (mm|points)$/, '')}` : '';
    }),
  ]);
  const better = lowerIsBetter(metric)
    ? 'negative = lower error than random'
    : 'positive = higher PCKh than random';
  const finalRows = Object.entries(summary.gaps).map(([sampler, points]) => {
    const g = points[points.length - 1]!;
    const v = verdict(metric, g);
    return [
      sampler,
      String(g.labelled),
      String(g.n),
      formatGap(metric, g.mean),
      ci(g, metric),
      pValue(g.p),
      v === null ? 'one trial' : v === 'not shown' ? v : `${v}, shown`,
    ];
  });
  const { cost } = summary;
  const costRows = Object.entries(cost.bySampler).map(([sampler, c]) => {
    const moved = c.stages.reduce((s, x) => s + x.moved, 0);
    const perStage = c.stages.length ? moved / c.stages.length : null;
    return [
      sampler,
      c.keptFraction === null ? 'n/a' : `${(100 * c.keptFraction).toFixed(0)} %`,
      keptGapCell(c.keptGap),
      perStage === null ? 'n/a' : perStage.toFixed(0),
      perStage === null ? 'n/a' : hours(perStage * cost.secondsPerMovedJoint),
      c.labelsToTarget === null ? 'not reached' : String(c.labelsToTarget),
      c.secondsToTarget === null ? 'n/a' : hours(c.secondsToTarget),
    ];
  });
  return [
    `**Recommendation.** ${summary.recommendation?.sentence ?? 'none (no sampler besides random finished a stage).'}`,
    '',
    `### Learning curves (${unit(metric)}, mean ± 95 % CI half-width over ${summary.trials} trials; Student t)`,
    '',
    table(['sampler', ...labelled.map((n) => `${n} labels`)], curveRows),
    '',
    `### Gap to random per stage (${unit(metric)}; ${better}; paired mean [95 % CI], paired t-test)`,
    '',
    table(['sampler', ...labelled.map((n) => `${n}`)], gapRows),
    '',
    '### Gap to random at the last stage',
    '',
    table(['sampler', 'labels', 'trials', 'gap', '95 % CI', 'p (two-sided)', 'difference'], finalRows),
    '',
    `### Simulated annotation cost (a suggested joint within 10 px of the label is kept; ${cost.secondsPerMovedJoint.toFixed(2)} s per moved joint, ${cost.source})`,
    '',
    table(
      [
        'sampler',
        'joints kept',
        'kept vs random (points, paired 95 % CI, p)',
        'moved joints per stage',
        'annotator time per stage',
        `labels to reach ${cost.target === null ? 'n/a' : `${m(cost.target)} ${metric === 'test_error_mm' ? 'mm' : '%'}`}`,
        'annotator time to get there',
      ],
      costRows,
    ),
    '',
  ].join('\n');
}

/** "−6.1 [−9.0, −3.2], p 0.004": percentage points of kept joints vs random ("—" for random itself). */
function keptGapCell(gap: ExperimentSummary['cost']['bySampler'][string]['keptGap']): string {
  if (gap === null) return '—';
  const points = (x: number) => (100 * x).toFixed(1);
  if (gap.low === null || gap.high === null) return `${points(gap.mean)} (one trial)`;
  return `${points(gap.mean)} [${points(gap.low)}, ${points(gap.high)}], p ${pValue(gap.p)}`;
}
