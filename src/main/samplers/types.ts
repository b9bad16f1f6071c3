/**
 * The one contract every sampler follows: typed arrays in, a ranked selection out. Everything here is pure data so a
 * selection can be stored, sent over IPC or printed by the CLI as it is.
 *
 * Layout conventions (all row-major, one row per sample):
 * - C = `dims` normalised coordinates per pose, joint-major: joint j owns coordinates [j·D, (j+1)·D) with
 *   D = C / jointCount (3 for uvd/xyz, 2 for 2-D).
 * - Links follow `parents`: link k is the k-th non-root joint in increasing index order, i.e. the link
 *   parents[child] → child. For the canonical 21-joint hand (root 0) link k is the link into joint k + 1.
 */
import type { TreeAggregator } from '@shared/pose2d';

/** Predictions for one set of samples (candidates or labelled). */
export interface PoseSet {
  /** n×C predicted normalised coordinates (the MC-dropout mean for a Bayesian learner). */
  mean: Float32Array;
  /** n×C per-coordinate epistemic standard deviation over the MC passes (population std, divisor M). */
  std?: Float32Array;
}

export interface CandidateSet extends PoseSet {
  /** n×C per-coordinate aleatoric variance σ² (linear units: exp of the log-variance head, averaged over passes). */
  aleatoric?: Float32Array;
  /** n×L×D predicted offset mean ô_k of every link (child − parent), from the VL4Pose auxiliary head. */
  linkOffsetMean?: Float32Array;
  /** n×L×D diagonal log-variance s_k of every link offset (Σ_k = diag(exp s_k)), from the same head. */
  linkOffsetLogVar?: Float32Array;
}

export interface SamplerInput {
  /** The pool the selection is drawn from; picks are row indices into it. */
  candidates: CandidateSet;
  /** Already labelled samples (their model *predictions*); the initial centres of the diversity samplers. May be 0 rows. */
  labelled: PoseSet;
  /** C, coordinates per pose. */
  dims: number;
  /** J, joints per pose; defaults to C / 3. Used to attribute scores to joints in reasons. */
  jointCount?: number;
  /** Parent of every joint, −1 for the single root (VL4Pose only). */
  parents?: ArrayLike<number>;
}

export interface SamplerOptions {
  /** B, how many candidates to pick; the result has exactly min(B, n) picks. */
  budget: number;
  /** Seed of the random sampler (default 0); the other samplers are deterministic without one. */
  seed?: number;
  /** CKE uncertainty weight η (default 0.3). */
  eta?: number;
}

export type SamplerId =
  | 'random'
  | 'coreset'
  | 'uncertainty'
  | 'cke'
  | 'cke-alg1'
  | 'aleatoric'
  | 'vl4pose'
  /** Heatmap samplers only (heatmap.ts). */
  | 'mpe'
  | 'learning-loss';

/** Which already-chosen centre a diversity pick was measured against. */
export type CentreRef = { set: 'labelled' | 'picked'; index: number } | null;

export interface LinkScore {
  /** Link index (order of `parents`, see the file header). */
  link: number;
  parent: number;
  child: number;
  loglik: number;
}

/** Why a candidate was picked: structured fields for the UI plus a short sentence for people. */
export type Reason =
  | { kind: 'random'; seed: number; sentence: string }
  | {
      kind: 'coreset';
      /** Euclidean distance to the nearest centre when picked; null when there was no centre yet. */
      distance: number | null;
      nearest: CentreRef;
      sentence: string;
    }
  | {
      kind: 'cke';
      /** Distance between uncertainty-contracted skeletons (f − η·sign(f)·σ) when picked. */
      distance: number | null;
      nearest: CentreRef;
      eta: number;
      sentence: string;
    }
  | {
      kind: 'cke-alg1';
      /** Upper-bound distance (f + η/2·σ) to the centre nearest under the lower bound (f − η/2·σ). */
      upperDistance: number | null;
      nearest: CentreRef;
      eta: number;
      sentence: string;
    }
  | {
      kind: 'uncertainty';
      /** Σ over coordinates of the epistemic std. */
      sumStd: number;
      /** The three joints with the largest std, summed over each joint's coordinates. */
      topJoints: { joint: number; std: number }[];
      sentence: string;
    }
  | {
      kind: 'aleatoric';
      /** Mean over coordinates of the aleatoric variance. */
      meanVariance: number;
      /** The three joints with the largest variance, averaged over each joint's coordinates. */
      topJoints: { joint: number; variance: number }[];
      sentence: string;
    }
  | {
      kind: 'vl4pose';
      /** log-likelihood of the predicted pose's link offsets, Σ_k log N(r_k; 0, Σ_k). */
      loglik: number;
      /** The three links with the lowest log-likelihood. */
      leastLikelyLinks: LinkScore[];
      sentence: string;
    }
  // Heatmap (2-D human) samplers, heatmap.ts. Link indices there follow the tree's link order (layout.edges).
  | {
      kind: 'vl4pose-heatmap';
      /** The tree score of the candidate's peaks under `aggregator` (lowest = least likely = picked first). */
      score: number;
      aggregator: TreeAggregator;
      /** The three links with the lowest ℓ between the parent's and the child's top peaks. */
      leastLikelyLinks: LinkScore[];
      /** Joints whose second peak is at least half as high as the top one; ratio = second / top. */
      ambiguousJoints: { joint: number; ratio: number }[];
      sentence: string;
    }
  | {
      kind: 'mpe';
      /** Σ_j entropy (nats) of the softmax over each joint's peak values. */
      entropy: number;
      /** The three joints with the largest entropy (> 0). */
      topJoints: { joint: number; entropy: number }[];
      sentence: string;
    }
  | {
      kind: 'aleatoric-heatmap';
      /** Mean over joints of the predicted log-variance s_j (the reference's score). */
      meanLogVariance: number;
      /** The three joints with the largest s_j. */
      topJoints: { joint: number; logVariance: number }[];
      sentence: string;
    }
  | { kind: 'learning-loss'; predictedLoss: number; sentence: string }
  | {
      kind: 'coreset-features';
      /** Euclidean distance in embedding space to the nearest centre when picked; null when there was none. */
      distance: number | null;
      nearest: CentreRef;
      sentence: string;
    };

/** A ranked selection: picks[0] is the most informative candidate by the sampler's criterion. */
export interface Selection {
  sampler: SamplerId;
  /** Row indices into `candidates`, unique, in selection order. */
  picks: Int32Array;
  /** One per pick, same order. */
  reasons: Reason[];
}

export type Sampler = (input: SamplerInput, options: SamplerOptions) => Selection;
