/**
 * Diversity samplers on predicted normalised skeletons (spec bayesian-deepprior-cke §5.4–§5.7): CoreSet and the two
 * CKE variants. Candidates and labelled rows are both model predictions; the labelled rows are the initial centres.
 * Inputs are assumed validated (see registry.ts).
 */
import { argmaxUntaken, kCenterGreedy, NearestCentreTracker, squaredDistance } from './k-center';
import type { CentreRef, Reason, Sampler, SamplerInput } from './types';

/** η of the reference code (spec §5.5). */
export const DEFAULT_ETA = 0.3;

function rowCount(values: Float32Array, dims: number): number {
  return Math.floor(values.length / dims);
}

/** Decodes a centre id (labelled rows first, then candidate rows offset by the labelled count). */
function centreRef(centreId: number, labelledCount: number): CentreRef {
  if (centreId < 0) return null;
  return centreId < labelledCount
    ? { set: 'labelled', index: centreId }
    : { set: 'picked', index: centreId - labelledCount };
}

function describeCentre(distance: number | null, nearest: CentreRef): string {
  if (distance === null || nearest === null) return 'first centre: nothing is labelled yet';
  const centre =
    nearest.set === 'labelled' ? `labelled #${nearest.index}` : `picked candidate #${nearest.index}`;
  return `${distance.toFixed(4)} from the nearest centre (${centre})`;
}

function finiteOrNull(distance: number): number | null {
  return Number.isFinite(distance) ? distance : null;
}

/** k-center greedy with the labelled rows as initial centres; one reason per pick from its distance and centre. */
function kCenterSelection(
  candidates: Float32Array,
  labelled: Float32Array,
  dims: number,
  budget: number,
  reasonFor: (distance: number | null, nearest: CentreRef) => Reason,
): { picks: Int32Array; reasons: Reason[] } {
  const result = kCenterGreedy(candidates, dims, { features: labelled }, budget);
  const reasons = Array.from(result.picks, (_, rank) =>
    reasonFor(
      finiteOrNull(result.distances[rank]!),
      centreRef(result.nearestCentre[rank]!, result.initialCount),
    ),
  );
  return { picks: result.picks, reasons };
}

/**
 * CoreSet (`kcg`, §5.4): k-center greedy on predicted skeletons f ∈ R^C, Euclidean distance, labelled as centres.
 *   pick_t = argmax_i min_{c ∈ L ∪ picks_<t} ‖f_i − f_c‖   (first index on ties)
 * Time O((m + B)·n·C) worst case (n candidates, m labelled), much less with pruning; memory O(n).
 */
export const coreset: Sampler = (input, options) => {
  const selection = kCenterSelection(
    input.candidates.mean,
    input.labelled.mean,
    input.dims,
    options.budget,
    (distance, nearest) => ({
      kind: 'coreset',
      distance,
      nearest,
      sentence: `Most novel pose: ${describeCentre(distance, nearest)}.`,
    }),
  );
  return { sampler: 'coreset', ...selection };
};

/** g = f − η·sign(f)⊙σ elementwise (sign(0) = 0, no clamping: it may overshoot zero when |f| < η·σ). */
export function contractTowardOrigin(mean: Float32Array, std: Float32Array, eta: number): Float32Array {
  const contracted = new Float32Array(mean.length);
  for (let k = 0; k < mean.length; k++) contracted[k] = mean[k]! - eta * Math.sign(mean[k]!) * std[k]!;
  return contracted;
}

/** f + shift·σ elementwise. */
function shiftByStd(mean: Float32Array, std: Float32Array, shift: number): Float32Array {
  const shifted = new Float32Array(mean.length);
  for (let k = 0; k < mean.length; k++) shifted[k] = mean[k]! + shift * std[k]!;
  return shifted;
}

/** An absent std is only valid on an empty set (validated); then any empty array will do. */
function stdOf(set: SamplerInput['labelled']): Float32Array {
  return set.std ?? new Float32Array(set.mean.length);
}

/**
 * CKE as implemented in the reference code (§5.5, the default): CoreSet on uncertainty-contracted skeletons
 *   g_i = f_i − η·sign(f_i)⊙σ_i   for candidates and labelled alike, then k-center greedy on g.
 * η = 0 reproduces CoreSet. Time as CoreSet plus O((n + m)·C); memory O((n + m)·C) for the contracted copies.
 */
export const cke: Sampler = (input, options) => {
  const eta = options.eta ?? DEFAULT_ETA;
  const selection = kCenterSelection(
    contractTowardOrigin(input.candidates.mean, stdOf(input.candidates), eta),
    contractTowardOrigin(input.labelled.mean, stdOf(input.labelled), eta),
    input.dims,
    options.budget,
    (distance, nearest) => ({
      kind: 'cke',
      distance,
      nearest,
      eta,
      sentence: `Most novel pose after shrinking it by its uncertainty (η ${eta}): ${describeCentre(distance, nearest)}.`,
    }),
  );
  return { sampler: 'cke', ...selection };
};

/**
 * CKE per the paper's Algorithm 1 (§5.6): lower/upper skeletons lo = f − (η/2)σ, up = f + (η/2)σ;
 *   j*(i) = argmin_{c ∈ S} ‖lo_i − lo_c‖ (first on ties),  score_i = ‖up_i − up_{j*(i)}‖,  pick argmax score.
 * The score is recomputed whenever j*(i) changes (it may rise as well as fall, so a running min would be wrong).
 * Time as CoreSet plus O(C) per change of nearest centre; memory O(n) plus the shifted copies O((n + m)·C).
 */
export const ckeAlg1: Sampler = (input, options) => {
  const { dims } = input;
  const eta = options.eta ?? DEFAULT_ETA;
  const candidateCount = rowCount(input.candidates.mean, dims);
  const labelledCount = rowCount(input.labelled.mean, dims);
  const candidateStd = stdOf(input.candidates);
  const labelledStd = stdOf(input.labelled);
  const candidateLower = shiftByStd(input.candidates.mean, candidateStd, -eta / 2);
  const candidateUpper = shiftByStd(input.candidates.mean, candidateStd, eta / 2);
  const labelledLower = shiftByStd(input.labelled.mean, labelledStd, -eta / 2);
  const labelledUpper = shiftByStd(input.labelled.mean, labelledStd, eta / 2);

  const tracker = new NearestCentreTracker(candidateLower, dims, labelledLower);
  const upperSquared = new Float64Array(candidateCount);
  const rescore = (i: number): void => {
    const centre = tracker.nearest[i]!;
    upperSquared[i] =
      centre < 0
        ? Number.POSITIVE_INFINITY
        : centre < labelledCount
          ? squaredDistance(candidateUpper, i, labelledUpper, centre, dims)
          : squaredDistance(candidateUpper, i, candidateUpper, centre - labelledCount, dims);
  };
  for (let i = 0; i < candidateCount; i++) rescore(i);

  const taken = new Uint8Array(candidateCount);
  const pickCount = Math.min(options.budget, candidateCount);
  const picks = new Int32Array(pickCount);
  const reasons: Reason[] = [];
  for (let rank = 0; rank < pickCount; rank++) {
    const pick = argmaxUntaken(upperSquared, taken);
    picks[rank] = pick;
    taken[pick] = 1;
    const upperDistance = finiteOrNull(Math.sqrt(upperSquared[pick]!));
    const nearest = centreRef(tracker.nearest[pick]!, labelledCount);
    const sentence = `Largest upper-bound distance (η ${eta}): ${describeCentre(upperDistance, nearest)}.`;
    reasons.push({ kind: 'cke-alg1', upperDistance, nearest, eta, sentence });
    const changedCount = tracker.addCentre(candidateLower, pick, labelledCount + pick);
    for (let k = 0; k < changedCount; k++) rescore(tracker.changed[k]!);
  }
  return { sampler: 'cke-alg1', picks, reasons };
};
