/**
 * Float64 reference versions of the other heatmap samplers' objectives and scores (spec vl4pose §5.1–§5.3, TV-I,
 * TV-D): for tests against the spec and for CPU-side scoring. The trainer's tensor versions must agree with these.
 * Pure code.
 */
import { logSoftmax } from './likelihood';

/**
 * Aleatoric heatmap loss (§5.2): mean over all B·J entries of e·(½·r·e^{−s} + ½·s), where r is the squared distance
 * (grid px²) between the integer argmaxes of the prediction and the ground truth, s the predicted per-joint
 * log-variance and e the joint-exists flag (masked entries stay in the denominator). Positions B×J×2 (row, col);
 * logVariance and exists B×J. No clamp on s, as [R]. O(B·J).
 */
export function aleatoricHeatmapLoss(
  predicted: ArrayLike<number>,
  target: ArrayLike<number>,
  logVariance: ArrayLike<number>,
  exists: ArrayLike<number>,
): number {
  const count = logVariance.length;
  if (count === 0) throw new RangeError('no joints');
  if (predicted.length !== 2 * count || target.length !== 2 * count || exists.length !== count)
    throw new RangeError(
      `expected predicted and target with 2×${count} values and exists with ${count} (got ${predicted.length}, ${target.length}, ${exists.length})`,
    );
  let total = 0;
  for (let k = 0; k < count; k++) {
    const squared =
      (predicted[2 * k]! - target[2 * k]!) ** 2 + (predicted[2 * k + 1]! - target[2 * k + 1]!) ** 2;
    const s = logVariance[k]!;
    total += exists[k]! * (0.5 * squared * Math.exp(-s) + 0.5 * s);
  }
  return total / count;
}

/** The Learning Loss pairs of a batch of B (even, ≥ 2): (i, i + B/2) for i < B/2 (§5.1). */
function lossPairs(trueLoss: ArrayLike<number>, predicted: ArrayLike<number>): [number, number][] {
  const batch = trueLoss.length;
  if (predicted.length !== batch)
    throw new RangeError(`predicted: expected ${batch} values (one per true loss), got ${predicted.length}`);
  if (batch < 2 || batch % 2 !== 0)
    throw new RangeError(`the batch must have an even size ≥ 2, got ${batch}`);
  const half = batch / 2;
  return Array.from({ length: half }, (_, i): [number, number] => [i, i + half]);
}

/**
 * LearningLoss++ KL objective (§5.1, the reference default): per pair, target t = (ℓ_i, ℓ_j)/(ℓ_i + ℓ_j) from the
 * true losses, prediction softmax(ê_i, ê_j); returns Σ_pairs KL(t ‖ softmax ê) / #pairs (PyTorch "batchmean"), with
 * 0·log 0 = 0. A pair whose true losses are both 0 (no preferred order; NaN in [R]) gets the target (½, ½). O(B).
 */
export function learningLossKl(trueLoss: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const pairs = lossPairs(trueLoss, predicted);
  let total = 0;
  for (const [i, j] of pairs) {
    const sum = trueLoss[i]! + trueLoss[j]!;
    const targets = sum > 0 ? [trueLoss[i]! / sum, trueLoss[j]! / sum] : [0.5, 0.5];
    const logQ = logSoftmax([predicted[i]!, predicted[j]!]);
    targets.forEach((t, k) => {
      if (t > 0) total += t * (Math.log(t) - logQ[k]!);
    });
  }
  return total / pairs.length;
}

/**
 * Original Learning Loss ranking objective (Yoo & Kweon; §5.1 `YooAndKweon`): mean over pairs of
 * max(0, −sign(ℓ_i − ℓ_j)·(ê_i − ê_j) + margin), margin default 1. O(B).
 */
export function learningLossRanking(
  trueLoss: ArrayLike<number>,
  predicted: ArrayLike<number>,
  margin = 1,
): number {
  const pairs = lossPairs(trueLoss, predicted);
  let total = 0;
  for (const [i, j] of pairs)
    total += Math.max(0, -Math.sign(trueLoss[i]! - trueLoss[j]!) * (predicted[i]! - predicted[j]!) + margin);
  return total / pairs.length;
}

/**
 * The Learning Loss target of one sample (§5.1): the mean over stacks of its heatmap MSE, divided by
 * (annotated joints + 0.1). O(stacks).
 */
export function normalisedTrueLoss(stackMse: ArrayLike<number>, annotatedJoints: number): number {
  if (stackMse.length === 0) throw new RangeError('stackMse: no stacks');
  let sum = 0;
  for (let k = 0; k < stackMse.length; k++) sum += stackMse[k]!;
  return sum / stackMse.length / (annotatedJoints + 0.1);
}

/** Entropy (nats) of softmax(values / temperature); 0 for a single peak. O(K). */
export function peakEntropy(values: ArrayLike<number>, temperature = 1): number {
  if (values.length === 0) throw new RangeError('values: no peaks');
  return -logSoftmax(values, temperature).reduce((sum, logP) => sum + Math.exp(logP) * logP, 0);
}

/**
 * Multi-Peak Entropy of one image (§5.3): Σ_j H(softmax(raw peak values of joint j)), nats, summed (not averaged);
 * a joint with no peak is skipped (perJoint NaN). The reference finds the peaks with md 5, K 5. O(Σ_j K_j).
 */
export function multiPeakEntropy(
  peaks: readonly (readonly { value: number }[])[],
  temperature = 1,
): { total: number; perJoint: Float64Array } {
  const perJoint = Float64Array.from(peaks, (list) =>
    list.length === 0
      ? NaN
      : peakEntropy(
          list.map((p) => p.value),
          temperature,
        ),
  );
  return { total: perJoint.reduce((sum, h) => (Number.isNaN(h) ? sum : sum + h), 0), perJoint };
}
