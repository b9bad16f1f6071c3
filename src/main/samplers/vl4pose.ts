/**
 * VL4Pose, direct-regression (hand) branch (spec vl4pose §1.4, §2.5, §4.6): an auxiliary head predicts, per link k
 * (parent p → child c), an offset mean ô_k ∈ R^D and a diagonal log-variance s_k ∈ R^D. A predicted pose ŷ scores
 *   loglik(ŷ) = Σ_k log N(ŷ_c − ŷ_p − ô_k; 0, diag(e^{s_k})) = Σ_k −½·Σ_a (ln 2π + s_ka + r_ka²·e^{−s_ka}),
 * with r_k = ŷ_c − ŷ_p − ô_k and no root term. Candidates with the lowest score are the least plausible poses.
 */
import { rankByScore } from './ranking';
import type { LinkScore, Reason, Sampler } from './types';

const LN_2PI = Math.log(2 * Math.PI);
/** Overflow guard only: e^{±50} keeps r²·e^{−s} finite for any sane r; realistic log-variances are far inside. */
const LOG_VARIANCE_LIMIT = 50;
const LEAST_LIKELY_LINKS = 3;

/** A validated skeleton tree: link k goes from linkParent[k] to linkChild[k] (children in increasing index order). */
export interface SkeletonTree {
  jointCount: number;
  linkParent: Int32Array;
  linkChild: Int32Array;
}

/**
 * Builds the link list from a parents array (−1 for the root). Throws a RangeError unless there is exactly one root,
 * every parent is a joint index and every joint reaches the root (no cycles).
 */
export function skeletonTree(parents: ArrayLike<number>): SkeletonTree {
  const jointCount = parents.length;
  const roots: number[] = [];
  for (let joint = 0; joint < jointCount; joint++) {
    const parent = parents[joint]!;
    if (parent === -1) roots.push(joint);
    else if (!Number.isInteger(parent) || parent < 0 || parent >= jointCount || parent === joint)
      throw new RangeError(
        `parents[${joint}] = ${parent} is not another joint's index (0…${jointCount - 1}) or −1`,
      );
  }
  if (roots.length !== 1)
    throw new RangeError(`expected exactly one root (parent −1), found ${roots.length}`);
  for (let joint = 0; joint < jointCount; joint++) {
    let ancestor = joint;
    for (let steps = 0; parents[ancestor] !== -1; steps++) {
      if (steps >= jointCount)
        throw new RangeError(`joint ${joint} does not reach the root: parents has a cycle`);
      ancestor = parents[ancestor]!;
    }
  }
  const linkChild = Int32Array.from({ length: jointCount }, (_, joint) => joint).filter(
    (joint) => joint !== roots[0],
  );
  const linkParent = linkChild.map((child) => parents[child]!);
  return { jointCount, linkParent, linkChild };
}

/**
 * Log-likelihood of row `sample` of a batch under the per-link offset Gaussians; writes each link's term to `perLink`
 * (length L) and returns their sum. Row layout: `poses` J·D values per sample, `offsetMean`/`offsetLogVar` L·D values
 * per sample (link-major). O(L·D) time, no allocation.
 */
export function linkLogLikelihoods(
  tree: SkeletonTree,
  jointDims: number,
  poses: ArrayLike<number>,
  offsetMean: ArrayLike<number>,
  offsetLogVar: ArrayLike<number>,
  perLink: Float64Array,
  sample = 0,
): number {
  const linkCount = tree.linkChild.length;
  const poseStart = sample * tree.jointCount * jointDims;
  const linkStart = sample * linkCount * jointDims;
  let total = 0;
  for (let link = 0; link < linkCount; link++) {
    const child = poseStart + tree.linkChild[link]! * jointDims;
    const parent = poseStart + tree.linkParent[link]! * jointDims;
    let sum = 0;
    for (let a = 0; a < jointDims; a++) {
      const at = linkStart + link * jointDims + a;
      const logVar = Math.min(LOG_VARIANCE_LIMIT, Math.max(-LOG_VARIANCE_LIMIT, offsetLogVar[at]!));
      const residual = poses[child + a]! - poses[parent + a]! - offsetMean[at]!;
      sum += LN_2PI + logVar + residual * residual * Math.exp(-logVar);
    }
    perLink[link] = -0.5 * sum;
    total += perLink[link]!;
  }
  return total;
}

/**
 * log-likelihood of one pose (J·D values) given its link offset means and log-variances (L·D values each, L = J − 1),
 * e.g. for label QC: a low value flags an implausible annotation. Throws a RangeError on a bad tree or lengths.
 */
export function poseLogLikelihood(
  pose: ArrayLike<number>,
  parents: ArrayLike<number>,
  offsetMean: ArrayLike<number>,
  offsetLogVar: ArrayLike<number>,
): { loglik: number; perLink: Float64Array } {
  const tree = skeletonTree(parents);
  const jointDims = pose.length / tree.jointCount;
  const expectedLinkValues = tree.linkChild.length * jointDims;
  if (!Number.isInteger(jointDims) || jointDims < 1)
    throw new RangeError(`pose has ${pose.length} values, not a multiple of ${tree.jointCount} joints`);
  for (const [name, values] of [
    ['offsetMean', offsetMean],
    ['offsetLogVar', offsetLogVar],
  ] as const) {
    if (values.length !== expectedLinkValues)
      throw new RangeError(
        `${name}: expected ${tree.linkChild.length}×${jointDims} values, got ${values.length}`,
      );
  }
  const perLink = new Float64Array(tree.linkChild.length);
  const loglik = linkLogLikelihoods(tree, jointDims, pose, offsetMean, offsetLogVar, perLink);
  return { loglik, perLink };
}

/**
 * VL4Pose sampler: score every candidate's predicted pose (candidates.mean) by `linkLogLikelihoods` with its own
 * predicted link offsets; the B lowest, least likely first. O(n·L·D + n log n) time, O(n + L) memory.
 */
export const vl4pose: Sampler = (input, options) => {
  const tree = skeletonTree(input.parents!);
  const jointDims = input.dims / tree.jointCount;
  const { mean, linkOffsetMean, linkOffsetLogVar } = input.candidates;
  const candidateCount = mean.length / input.dims;
  const linkCount = tree.linkChild.length;
  const perLink = new Float64Array(linkCount);
  const scores = new Float64Array(candidateCount);
  for (let i = 0; i < candidateCount; i++) {
    scores[i] = linkLogLikelihoods(tree, jointDims, mean, linkOffsetMean!, linkOffsetLogVar!, perLink, i);
  }
  const picks = rankByScore(scores, options.budget, 'lowest');
  const reasons = Array.from(picks, (pick): Reason => {
    linkLogLikelihoods(tree, jointDims, mean, linkOffsetMean!, linkOffsetLogVar!, perLink, pick);
    const leastLikelyLinks: LinkScore[] = Array.from(perLink, (loglik, link) => ({
      link,
      parent: tree.linkParent[link]!,
      child: tree.linkChild[link]!,
      loglik,
    }))
      .sort((a, b) => a.loglik - b.loglik || a.link - b.link)
      .slice(0, LEAST_LIKELY_LINKS);
    const loglik = scores[pick]!;
    const links = leastLikelyLinks.map((l) => `${l.parent}→${l.child} (${l.loglik.toFixed(2)})`).join(', ');
    return {
      kind: 'vl4pose',
      loglik,
      leastLikelyLinks,
      sentence: `Implausible predicted pose: log-likelihood ${loglik.toFixed(2)}, least likely links ${links}.`,
    };
  });
  return { sampler: 'vl4pose', picks, reasons };
};
