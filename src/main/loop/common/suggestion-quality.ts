import type { ValidationReport } from '@shared/contract';
import { calibrate } from '../calibration';

/**
 * What an annotator will face, measured on the labelled validation split (never the test split): how far the
 * suggested joints are from the truth, and how well the uncertainty rings cover it. Both pipelines reduce their
 * predictions to these per-joint measures (image px; mm where there is depth) and share the rest.
 */
export interface JointMeasures {
  /** Frames measured. */
  samples: number;
  /** Per measured joint: distance to the truth in the image plane (px). */
  errorPx: ArrayLike<number>;
  /** Per measured joint: 3-D distance (mm); null for 2-D models. */
  errorMm: ArrayLike<number> | null;
  /** Per measured joint: the ring's σ in px (epistemic, the larger of u and v) and the aleatoric σ (null: no head). */
  sigmaPx: ArrayLike<number>;
  aleatoricPx: ArrayLike<number> | null;
}

/** The "close enough to accept" distance of the report's share: at most this far from the truth (image px). */
export const NEAR_PX = 10;

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

const ratios = (errors: ArrayLike<number>, sigmas: ArrayLike<number>) =>
  Float64Array.from(errors, (error, i) => error / sigmas[i]!);

/** The suggestion-quality and calibration report of the measured joints; null when no joint was measured. */
export function validationReport(measures: JointMeasures): ValidationReport | null {
  const { errorPx, errorMm } = measures;
  const joints = errorPx.length;
  if (joints === 0) return null;
  let near = 0;
  for (let i = 0; i < joints; i++) if (errorPx[i]! <= NEAR_PX) near++;
  return {
    samples: measures.samples,
    joints,
    medianErrorMm: errorMm ? median(errorMm) : null,
    medianErrorPx: median(errorPx),
    within10Px: near / joints,
    sigma: calibrate(ratios(errorPx, measures.sigmaPx)),
    aleatoric: measures.aleatoricPx ? calibrate(ratios(errorPx, measures.aleatoricPx)) : null,
  };
}

/**
 * The report's headline as flat numbers, stored with the round and the checkpoint: the quality of the suggestions,
 * the scale the stored σ are multiplied by and the calibrated rings' coverage.
 */
export function qualityMetrics(report: ValidationReport | null): Record<string, number | null> {
  return {
    valMedianErrorMm: report?.medianErrorMm ?? null,
    valMedianErrorPx: report?.medianErrorPx ?? null,
    valWithin10Px: report?.within10Px ?? null,
    sigmaScale: report?.sigma?.scale ?? null,
    sigmaCoverage1: report?.sigma?.after.within1Sigma ?? null,
    sigmaCoverage2: report?.sigma?.after.within2Sigma ?? null,
  };
}

/** Everything stored with the checkpoint: the headline plus the raw rings' coverage and the aleatoric scale. */
export function validationMetrics(report: ValidationReport | null): Record<string, number | null> {
  return {
    ...qualityMetrics(report),
    sigmaCoverage1Raw: report?.sigma?.before.within1Sigma ?? null,
    sigmaCoverage2Raw: report?.sigma?.before.within2Sigma ?? null,
    aleatoricScale: report?.aleatoric?.scale ?? null,
    aleatoricCoverage1: report?.aleatoric?.after.within1Sigma ?? null,
    aleatoricCoverage2: report?.aleatoric?.after.within2Sigma ?? null,
  };
}
