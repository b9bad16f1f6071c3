import type { PredictionRow } from '../../store';

/** A suggested joint in image pixels from a model without MC spread (a pretrained detector, another tool). */
export interface PointSuggestion {
  u: number;
  v: number;
  /** The model's own per-joint score, if it gives one. */
  score?: number | null;
  /** Derived by a fixed rule from other joints (e.g. neck = mid-shoulders), not predicted. */
  derived?: boolean;
}

/**
 * One stored prediction row from point suggestions (null: no suggestion for that joint → NaN mean): no σ (zeros),
 * and the provenance details the annotate view and exports read (derived / unpredicted joints, scores).
 */
export function pointPredictionRow(
  sampleId: number,
  points: readonly (PointSuggestion | null)[],
  instanceScore: number | null = null,
): PredictionRow {
  const mean = new Float32Array(points.length * 3);
  points.forEach((p, j) => mean.set(p ? [p.u, p.v, 0] : [Number.NaN, Number.NaN, 0], j * 3));
  const scored = points.some((p) => p?.score !== undefined && p?.score !== null);
  return {
    sampleId,
    mean,
    std: new Float32Array(points.length * 3),
    aleatoric: null,
    loglik: null,
    details: {
      refined: points.map(() => null),
      links: [],
      ambiguous: [],
      source: {
        derived: points.flatMap((p, j) => (p?.derived ? [j] : [])),
        unpredicted: points.flatMap((p, j) => (p === null ? [j] : [])),
        ...(scored ? { scores: points.map((p) => p?.score ?? 0) } : {}),
        ...(instanceScore === null ? {} : { score: instanceScore }),
      },
    },
  };
}
