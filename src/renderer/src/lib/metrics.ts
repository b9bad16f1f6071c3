import type { ProjectInfo, RoundSummary } from '@shared/contract';

/** How a project's rounds are scored on its test split, for tables and the learning curve. */
export interface RoundMetric {
  /** Column label, with the direction that is better. */
  label: string;
  /** The same, short enough for a plot axis. */
  axisLabel: string;
  value(round: RoundSummary): number | null;
  format(value: number): string;
}

/** Depth: mean joint error in mm (lower is better). RGB: PCKh@0.5 in % (higher is better). */
export function roundMetric(modality: ProjectInfo['modality']): RoundMetric {
  return modality === 'rgb'
    ? {
        label: 'Test PCKh@0.5 (%, higher is better)',
        axisLabel: 'PCKh@0.5 (%, ↑ better)',
        value: (r) => (r.testPckh === null ? null : r.testPckh * 100),
        format: (v) => `${v.toFixed(1)} %`,
      }
    : {
        label: 'Test error (mm, lower is better)',
        axisLabel: 'test error (mm, ↓ better)',
        value: (r) => r.testErrorMm,
        format: (v) => `${v.toFixed(1)} mm`,
      };
}
