/**
 * VL4Pose visual likelihood for heatmap (2-D human) pose models (spec vl4pose §1–§4, §8).
 *
 * The auxiliary network predicts, per link k (parent → child, in the tree's link order), the mean μ_k and the
 * log-variance s_k of the link's *length*: q(child | parent) = N1(‖x_child − x_parent‖; μ_k, e^{s_k}). There is no
 * direction term and no root prior. Everything is in grid pixels (64-grid in the paper; any G works, but μ and σ are
 * tied to the grid the auxiliary net was trained on). Positions are (row, col), as in the spec.
 *
 * Pure float64 code with no Node or DOM imports: it runs in the main process, a worker or the renderer.
 */
import type { SkeletonLayout } from '../skeletons';
import { globalArgmax, localMaxima, type Peak, type PeakOptions } from './peaks';

const LN_2PI = Math.log(2 * Math.PI);
/**
 * s is clamped to [−10, 10] before exp (spec §2.4: [R] does not clamp; an unconstrained head can emit any s, and
 * e^{−s} overflows for s < −709). σ stays within [0.0067, 148] grid px, which covers every plausible bone.
 */
export const LOG_VARIANCE_LIMIT = 10;

/** A grid position (row, col) in grid pixels. */
export interface GridPoint {
  row: number;
  col: number;
}

function clampLogVariance(logVariance: number): number {
  return Math.min(LOG_VARIANCE_LIMIT, Math.max(-LOG_VARIANCE_LIMIT, logVariance));
}

/**
 * ℓ(d; μ, s) = −½·(ln 2π + s + (μ − d)²·e^{−s}): the Gaussian log-density (nats) of a link length d (grid px)
 * under mean μ (grid px) and log-variance s (ln px²), with s clamped to ±LOG_VARIANCE_LIMIT. O(1).
 */
export function linkLogDensity(distance: number, mean: number, logVariance: number): number {
  const s = clampLogVariance(logVariance);
  const residual = mean - distance;
  return -0.5 * (LN_2PI + s + residual * residual * Math.exp(-s));
}

function gridDistance(a: GridPoint, b: GridPoint): number {
  const dr = a.row - b.row;
  const dc = a.col - b.col;
  // Not Math.hypot: this runs K_p·K_c times per link per candidate, and hypot's overflow care costs ~10×.
  return Math.sqrt(dr * dr + dc * dc);
}

// ---------------------------------------------------------------------------------------------------------------
// Trees

/** A tree given as data (spec §1.4): link k = links[k] = [parent, child], k = auxiliary output order. */
export interface TreeSpec {
  jointCount: number;
  root: number;
  links: readonly (readonly [number, number])[];
  /** Joint names for messages; "joint j" when omitted. */
  jointNames?: readonly string[];
}

/** A validated human tree (build it with `humanTree`). */
export interface HumanTree {
  readonly jointCount: number;
  readonly root: number;
  /** Link k = [parent, child]: the order of the auxiliary outputs (μ_k, s_k). */
  readonly links: readonly (readonly [number, number])[];
  /** Parent of every joint, −1 for the root. */
  readonly parent: Int32Array;
  /** Index of the link that ends at every joint, −1 for the root. */
  readonly linkInto: Int32Array;
  /** Every joint once, root first, each parent before its children (breadth-first). */
  readonly order: Int32Array;
  readonly jointNames: readonly string[];
}

function isLayout(source: SkeletonLayout | TreeSpec): source is SkeletonLayout {
  return 'edges' in source;
}

/**
 * Validates a tree and derives its traversal order. From a layout: link k = layout.edges[k], the root is the one
 * joint that is nobody's child. Throws a RangeError unless every link joins two distinct joint indices, every joint
 * but exactly one root has exactly one parent, and every joint is reachable from the root (so: connected, acyclic).
 * O(J) time.
 */
export function humanTree(source: SkeletonLayout | TreeSpec): HumanTree {
  const jointCount = isLayout(source) ? source.joints.length : source.jointCount;
  const links = isLayout(source) ? source.edges : source.links;
  const jointNames = isLayout(source)
    ? source.joints
    : (source.jointNames ?? Array.from({ length: jointCount }, (_, j) => `joint ${j}`));
  if (!Number.isInteger(jointCount) || jointCount < 1)
    throw new RangeError(`jointCount must be an integer ≥ 1, got ${jointCount}`);
  if (jointNames.length !== jointCount)
    throw new RangeError(`expected ${jointCount} joint names, got ${jointNames.length}`);

  const isJoint = (j: number): boolean => Number.isInteger(j) && j >= 0 && j < jointCount;
  const parent = new Int32Array(jointCount).fill(-1);
  const linkInto = new Int32Array(jointCount).fill(-1);
  links.forEach(([from, to], k) => {
    if (!isJoint(from) || !isJoint(to) || from === to)
      throw new RangeError(`link ${k} (${from}→${to}) must join two different joints of 0…${jointCount - 1}`);
    if (linkInto[to] !== -1)
      throw new RangeError(`joint ${to} has two parents (links ${linkInto[to]} and ${k})`);
    parent[to] = from;
    linkInto[to] = k;
  });
  const roots = Array.from(parent.keys()).filter((j) => parent[j] === -1);
  if (roots.length !== 1)
    throw new RangeError(`expected exactly one root (a joint with no parent), found ${roots.length}`);
  const root = roots[0]!;
  if (!isLayout(source) && source.root !== root)
    throw new RangeError(`root is ${source.root} but the only joint without a parent is ${root}`);

  const children: number[][] = Array.from({ length: jointCount }, () => []);
  links.forEach(([from, to]) => children[from]!.push(to));
  const order = new Int32Array(jointCount);
  order[0] = root;
  let reached = 1;
  for (let head = 0; head < reached; head++)
    for (const child of children[order[head]!]!) order[reached++] = child;
  // One parent each and a single root, so every joint not reached sits on a cycle.
  if (reached !== jointCount)
    throw new RangeError(`${jointCount - reached} joint(s) are not reachable from root ${root}: a cycle`);
  return { jointCount, root, links, parent, linkInto, order, jointNames };
}

/** "parent→child" with joint names, e.g. "l_elbow→l_wrist". */
export function linkName(tree: HumanTree, link: number): string {
  const [from, to] = tree.links[link]!;
  return `${tree.jointNames[from]}→${tree.jointNames[to]}`;
}

function checkLinkParams(tree: HumanTree, linkParams: ArrayLike<number>): void {
  if (linkParams.length !== 2 * tree.links.length)
    throw new RangeError(
      `linkParams: expected ${tree.links.length}×2 interleaved (μ, s) values, got ${linkParams.length}`,
    );
}

/**
 * ℓ of every link of one configuration (positions per joint, grid px; null = absent) under interleaved
 * linkParams = (μ_0, s_0, μ_1, s_1, …); NaN for a link with an absent end. The score of the shipped K = 1 config is
 * the sum of these over the top peaks (spec §4.4, TV-A, TV-C). O(L).
 */
export function poseLinkLogDensities(
  tree: HumanTree,
  positions: readonly (GridPoint | null)[],
  linkParams: ArrayLike<number>,
): Float64Array {
  checkLinkParams(tree, linkParams);
  return Float64Array.from(tree.links, ([from, to], k) => {
    const a = positions[from];
    const b = positions[to];
    return a && b ? linkLogDensity(gridDistance(a, b), linkParams[2 * k]!, linkParams[2 * k + 1]!) : NaN;
  });
}

/**
 * The reference training NLL (spec §3.2), float64: per link m_bk·(½(μ − d)²e^{−s} + ½s) with m = 1 for a valid link,
 * and the mean over *all* B·L entries (masked ones stay in the denominator). No ½ln2π, and no clamp on s, exactly as
 * [R]. All four arrays are B×L. O(B·L).
 */
export function vl4poseTrainingLoss(
  distance: ArrayLike<number>,
  mean: ArrayLike<number>,
  logVariance: ArrayLike<number>,
  mask: ArrayLike<number>,
): { perLink: Float64Array; loss: number } {
  const count = distance.length;
  if (mean.length !== count || logVariance.length !== count || mask.length !== count)
    throw new RangeError(
      `distance, mean, logVariance and mask must have the same length (${count}, ${mean.length}, ${logVariance.length}, ${mask.length})`,
    );
  if (count === 0) throw new RangeError('no links');
  const perLink = Float64Array.from({ length: count }, (_, k) => {
    const s = logVariance[k]!;
    const residual = mean[k]! - distance[k]!;
    return mask[k]! * (0.5 * residual * residual * Math.exp(-s) + 0.5 * s);
  });
  return { perLink, loss: perLink.reduce((a, b) => a + b, 0) / count };
}

// ---------------------------------------------------------------------------------------------------------------
// Peaks and their weights

/**
 * log softmax(values / temperature), computed in the log domain so a weak peak's log-weight stays finite.
 * temperature = 1 is the reference (raw heatmap values, gotcha 4); use 1/30 for heatmaps scaled to [0, 1] (§4.3).
 * O(K).
 */
export function logSoftmax(values: ArrayLike<number>, temperature = 1): Float64Array {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new RangeError(`temperature must be a finite number > 0, got ${temperature}`);
  const count = values.length;
  const result = new Float64Array(count);
  let top = -Infinity;
  for (let l = 0; l < count; l++) {
    result[l] = values[l]! / temperature;
    top = Math.max(top, result[l]!);
  }
  let total = 0;
  for (let l = 0; l < count; l++) total += Math.exp(result[l]! - top);
  const logTotal = top + Math.log(total);
  for (let l = 0; l < count; l++) result[l]! -= logTotal;
  return result;
}

/**
 * The peaks of one rows×cols heatmap (localMaxima, §4.2), or — when it has none (flat map, everything in the
 * excluded border) — the global argmax as the only peak, so its softmax weight is 1 (the fallback [R] lacks).
 * O(rows·cols·md).
 */
export function peaksWithFallback(
  heatmap: ArrayLike<number>,
  rows: number,
  cols: number,
  options: PeakOptions,
): Peak[] {
  const peaks = localMaxima(heatmap, rows, cols, options);
  return peaks.length > 0 ? peaks : [globalArgmax(heatmap, rows, cols)];
}

// ---------------------------------------------------------------------------------------------------------------
// Tree scoring over peaks (§4.4) as dynamic programming

/**
 * How peak combinations are aggregated:
 * - 'sum': the reference acquisition score (`np.sum` in [R]): every combination's log w + ℓ terms summed, *not*
 *   weighted (gotcha 1). With K = 1 it is Σ_k ℓ(d_k) over the top peaks.
 * - 'max': max-sum (Viterbi) over configurations of Σ log w + Σ ℓ: the refinement objective (§4.7).
 * - 'expected': Σ_k Σ_{l_p, l_c} w_p·w_c·ℓ_k, the expectation of log q under independent softmax marginals.
 * - 'logMarginal': log Σ_config Π w · Π e^ℓ, the log of the expected likelihood.
 */
export type TreeAggregator = 'sum' | 'max' | 'expected' | 'logMarginal';
export const TREE_AGGREGATORS: readonly TreeAggregator[] = ['sum', 'max', 'expected', 'logMarginal'];

export interface TreeScoreOptions {
  /** Default 'sum' (the reference). */
  aggregator?: TreeAggregator;
  /** Softmax temperature of the peak weights (default 1, see logSoftmax). */
  temperature?: number;
}

export interface TreeScore {
  score: number;
  /**
   * What each root peak l contributes before the root's aggregation: log w_root(l) + Σ_children F_c(l) for 'sum',
   * 'max' and 'logMarginal'; the conditional expectation Σ_children F_c(l) for 'expected' (score = Σ_l w_l·that).
   */
  perRootPeak: Float64Array;
  /**
   * Peak index per joint, chosen top-down: the root's best term, then each child's best term given its parent's
   * traced peak (best = largest log w + ℓ + children's values). In 'max' mode this is the MAP configuration; in the
   * other modes it need not be (TV-E: sum mode traces H1 N1 A0 B1 C0).
   */
  trace: Int32Array;
}

/** Folds one joint's per-peak log-weights and terms (ℓ + children's values) into a single value. */
type Combine = (logWeights: Float64Array, terms: Float64Array) => number;

const COMBINE: Record<TreeAggregator, Combine> = {
  sum: (logWeights, terms) => {
    let total = 0;
    for (let l = 0; l < terms.length; l++) total += logWeights[l]! + terms[l]!;
    return total;
  },
  max: (logWeights, terms) => {
    let best = -Infinity;
    for (let l = 0; l < terms.length; l++) best = Math.max(best, logWeights[l]! + terms[l]!);
    return best;
  },
  logMarginal: (logWeights, terms) => {
    let top = -Infinity;
    for (let l = 0; l < terms.length; l++) top = Math.max(top, logWeights[l]! + terms[l]!);
    if (top === -Infinity) return top;
    let total = 0;
    for (let l = 0; l < terms.length; l++) total += Math.exp(logWeights[l]! + terms[l]! - top);
    return top + Math.log(total);
  },
  expected: (logWeights, terms) => {
    let total = 0;
    for (let l = 0; l < terms.length; l++) total += Math.exp(logWeights[l]!) * terms[l]!;
    return total;
  },
};

/** Index of the largest log w + term (the first on ties, i.e. the higher peak). */
function bestPeak(logWeights: Float64Array, terms: Float64Array): number {
  let best = 0;
  for (let l = 1; l < terms.length; l++)
    if (logWeights[l]! + terms[l]! > logWeights[best]! + terms[best]!) best = l;
  return best;
}

function checkPeaks(tree: HumanTree, peaks: readonly (readonly Peak[])[]): void {
  if (peaks.length !== tree.jointCount)
    throw new RangeError(`peaks: expected a list for each of ${tree.jointCount} joints, got ${peaks.length}`);
  peaks.forEach((list, j) => {
    if (list.length === 0)
      throw new RangeError(
        `peaks: joint ${j} has no peak (pass the global-argmax fallback, peaksWithFallback)`,
      );
  });
}

/**
 * The §4.4 recursion over the peaks of every joint,
 *   F_c(x) = AGG_{l ∈ P_c} [log w_c(l) + ℓ(‖x − x_c(l)‖; μ_c, s_c) + Σ_{g child of c} F_g(x_c(l))],
 *   score  = AGG_{l ∈ P_root} [log w_root(l) + Σ_{c child of root} F_c(x_root(l))]
 * ('expected' weights by w instead of adding log w), computed leaves first with F_c tabulated once per parent peak.
 * `peaks[j]` is joint j's peak list (grid px, raw values, highest first, non-empty); `linkParams` the interleaved
 * (μ_k, s_k). O(Σ_k K_parent·K_child) time, O(Σ_j K_j) memory, instead of the reference's exponential recursion.
 */
export function scoreTree(
  tree: HumanTree,
  peaks: readonly (readonly Peak[])[],
  linkParams: ArrayLike<number>,
  options: TreeScoreOptions = {},
): TreeScore {
  checkPeaks(tree, peaks);
  checkLinkParams(tree, linkParams);
  const aggregator = options.aggregator ?? 'sum';
  const combine = COMBINE[aggregator];
  const logWeights = peaks.map((list) =>
    logSoftmax(
      list.map((p) => p.value),
      options.temperature,
    ),
  );
  // childValues[j][l] = Σ over j's children g of F_g(x_j(l)), filled as the children are finished.
  const childValues = peaks.map((list) => new Float64Array(list.length));
  const bestGivenParent: Int32Array[] = [];
  for (let o = tree.jointCount - 1; o >= 1; o--) {
    const child = tree.order[o]!;
    const parent = tree.parent[child]!;
    const link = tree.linkInto[child]!;
    const mean = linkParams[2 * link]!;
    const logVariance = linkParams[2 * link + 1]!;
    const childPeaks = peaks[child]!;
    const parentPeaks = peaks[parent]!;
    const terms = new Float64Array(childPeaks.length);
    const best = new Int32Array(parentPeaks.length);
    const below = childValues[child]!;
    for (let a = 0; a < parentPeaks.length; a++) {
      for (let l = 0; l < childPeaks.length; l++)
        terms[l] =
          linkLogDensity(gridDistance(parentPeaks[a]!, childPeaks[l]!), mean, logVariance) + below[l]!;
      childValues[parent]![a]! += combine(logWeights[child]!, terms);
      best[a] = bestPeak(logWeights[child]!, terms);
    }
    bestGivenParent[child] = best;
  }

  const rootLogWeights = logWeights[tree.root]!;
  const rootTerms = childValues[tree.root]!;
  const trace = new Int32Array(tree.jointCount);
  trace[tree.root] = bestPeak(rootLogWeights, rootTerms);
  for (let o = 1; o < tree.jointCount; o++) {
    const joint = tree.order[o]!;
    trace[joint] = bestGivenParent[joint]![trace[tree.parent[joint]!]!]!;
  }
  return {
    score: combine(rootLogWeights, rootTerms),
    perRootPeak:
      aggregator === 'expected' ? rootTerms : rootTerms.map((term, l) => rootLogWeights[l]! + term),
    trace,
  };
}

export interface RefinedPose {
  /** The traced peak of every joint, grid px (row, col); ×(S−1)/(G−1) for crop pixels. */
  positions: GridPoint[];
  /** Chosen peak index per joint (0 = the top peak). */
  peakIndex: Int32Array;
  /** Joints that did not keep their top peak, ascending; empty when refinement changed nothing. */
  changed: number[];
  /** The max-mode objective Σ_j log w_j + Σ_k ℓ_k of the chosen configuration. */
  score: number;
  /** score − the objective of the top-peak configuration (nats, ≥ 0 when anything changed). */
  gain: number;
}

export interface RefineOptions {
  /** Softmax temperature of the peak weights (see logSoftmax). */
  temperature?: number;
  /**
   * Offer a refinement only when it raises the objective by at least this many nats over the top peaks (default 2:
   * the refined pose is e² ≈ 7× as likely under the peak weights and the skeleton model); below it, nothing changes.
   */
  minGain?: number;
  /**
   * A moved joint may not land within this distance (grid px, default 1) of another joint's position: two joints on
   * one point is never a pose, so such a move is undone (and the joint keeps its top peak).
   */
  minSeparation?: number;
}

/** Σ_j log w_j(l_j) + Σ_k ℓ_k of one configuration (peak index per joint). O(J·K + L). */
function configurationScore(
  tree: HumanTree,
  peaks: readonly (readonly Peak[])[],
  linkParams: ArrayLike<number>,
  choice: Int32Array,
  temperature?: number,
): number {
  let total = 0;
  peaks.forEach((list, j) => {
    total += logSoftmax(
      list.map((p) => p.value),
      temperature,
    )[choice[j]!]!;
  });
  const positions = Array.from(choice, (l, j) => peaks[j]![l]!);
  for (const term of poseLinkLogDensities(tree, positions, linkParams)) total += term;
  return total;
}

/**
 * Pose refinement (§4.7): the configuration of peaks maximising Σ_j log w_j(l_j) + Σ_k ℓ(‖x_p − x_c‖; μ_k, s_k),
 * by the max-sum DP of `scoreTree`. A secondary peak wins only when its height is close to the top peak's or the
 * skeleton term strongly favours it; with one peak per joint nothing changes. Two guards keep suggestions worth an
 * annotator's click: a moved joint never lands on another joint (the move is undone), and a refinement whose gain
 * over the top peaks is below `minGain` is not offered at all. O(Σ_k K_p·K_c + J²).
 */
export function refinePose(
  tree: HumanTree,
  peaks: readonly (readonly Peak[])[],
  linkParams: ArrayLike<number>,
  options: RefineOptions = {},
): RefinedPose {
  const { temperature, minGain = 2, minSeparation = 1 } = options;
  const { trace } = scoreTree(tree, peaks, linkParams, { temperature, aggregator: 'max' });
  const at = (j: number): Peak => peaks[j]![trace[j]!]!;
  // Undo moves onto another joint, one at a time, until none is left (each undo can only free positions).
  for (let collided = true; collided;) {
    collided = false;
    for (let j = 0; j < trace.length && !collided; j++) {
      if (trace[j] === 0) continue;
      const clash = Array.from(trace.keys()).some(
        (k) => k !== j && Math.hypot(at(j).row - at(k).row, at(j).col - at(k).col) < minSeparation,
      );
      if (clash) [trace[j], collided] = [0, true];
    }
  }
  const top = new Int32Array(trace.length);
  const topScore = configurationScore(tree, peaks, linkParams, top, temperature);
  const refinedScore = configurationScore(tree, peaks, linkParams, trace, temperature);
  const worthIt = refinedScore - topScore >= minGain;
  if (!worthIt) trace.fill(0);
  const score = worthIt ? refinedScore : topScore;
  const positions = Array.from(trace, (l, j): GridPoint => ({
    row: peaks[j]![l]!.row,
    col: peaks[j]![l]!.col,
  }));
  const changed = Array.from(trace.keys()).filter((j) => trace[j] !== 0);
  return { positions, peakIndex: trace, changed, score, gain: score - topScore };
}
