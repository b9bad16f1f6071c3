/**
 * Samplers for heatmap (2-D human) pose models (spec vl4pose §4–§5): random, VL4Pose, Multi-Peak Entropy, Aleatoric,
 * Learning Loss and Core-Set. They rank per-candidate *summaries* (peaks, auxiliary outputs, embeddings), never full
 * heatmaps, so a pool of 10⁵ candidates fits in memory. EGL++ is not offered: it needs per-sample gradients of the
 * pose net against k labelled neighbours (m backward passes of batch k), which does not fit this summary contract.
 *
 * One validated entry point, `runHeatmapSampler`; every check lives there and names the field (and row) it is
 * about. Peaks are grid (row, col) with raw heatmap values; all lengths are grid pixels.
 */
import { AppError } from '@shared/errors';
import {
  humanTree,
  linkName,
  multiPeakEntropy,
  poseLinkLogDensities,
  scoreTree,
  TREE_AGGREGATORS,
  type HumanTree,
  type Peak,
  type TreeAggregator,
} from '@shared/pose2d';
import { coreset } from './diversity';
import { random, rankByScore } from './ranking';
import type { LinkScore, Reason, SamplerInput, Selection } from './types';

/** Per-candidate summaries of the model's output (n = count, J joints, K = maxPeaks, L = J − 1 links). */
export interface HeatmapCandidates {
  count: number;
  /**
   * n×J×K×3 (row, col, raw value), grid px, each joint's peaks highest first and NaN-padded after the last one.
   * Found with exclude-border false and the prediction settings' md; a joint with no local maximum must carry the
   * global-argmax fallback (peaksWithFallback), so every joint has at least one peak.
   */
  peaks: Float32Array;
  maxPeaks: number;
  /** n×L×2 interleaved auxiliary outputs (μ_k, s_k), grid px, link order = tree.links. */
  linkParams?: Float32Array;
  /** n×J predicted per-joint log-variances (aleatoric head). */
  aleatoricLogVar?: Float32Array;
  /** n predicted losses (Learning Loss head). */
  predictedLoss?: Float32Array;
  /** n×E image embeddings (the pose net's penultimate features). */
  embedding?: Float32Array;
  embeddingSize?: number;
}

export interface HeatmapSamplerInput {
  jointCount: number;
  /** The skeleton tree; its links are the auxiliary output order (humanTree(layout): layout.edges). */
  tree: HumanTree;
  candidates: HeatmapCandidates;
  /** The labelled set: only Core-Set reads it (its embeddings are the initial centres). */
  labelled: { embedding?: Float32Array; count: number };
}

export interface HeatmapSamplerOptions {
  /** B, how many candidates to pick; the result has exactly min(B, n) picks. */
  budget: number;
  /** Seed of the random sampler (default 0). */
  seed?: number;
  /**
   * VL4Pose tree aggregator (default 'sum', the reference acquisition score). With K = 1 (the shipped config) every
   * aggregator gives Σ_k ℓ(d_k) over the top peaks; with K > 1 'sum' is the reference's non-expectation (gotcha 1).
   */
  aggregator?: TreeAggregator;
  /**
   * VL4Pose scores each joint's `scoringPeaks` highest peaks (default 1, the reference's shipped `num_peaks`). More
   * peaks make 'sum' add every combination unweighted (gotcha 1: an image is punished for merely having many
   * maxima), so candidates' K peaks are kept for refinement, not for ranking, unless asked.
   */
  scoringPeaks?: number;
  /** Softmax temperature of the peak weights for VL4Pose and MPE (default 1 = raw values, as [R]; 1/30 for [0, 1] maps). */
  temperature?: number;
}

export type HeatmapSamplerId = 'random' | 'vl4pose' | 'mpe' | 'aleatoric' | 'learning-loss' | 'coreset';

export type HeatmapInputField =
  | 'candidates.peaks'
  | 'candidates.linkParams'
  | 'candidates.aleatoricLogVar'
  | 'candidates.predictedLoss'
  | 'candidates.embedding'
  | 'labelled.embedding';

export interface HeatmapSamplerSpec {
  id: HeatmapSamplerId;
  /** One line for the UI. */
  description: string;
  requires: readonly HeatmapInputField[];
}

export const HEATMAP_SAMPLERS: readonly HeatmapSamplerSpec[] = [
  {
    id: 'random',
    description: 'Uniformly at random (seeded); the baseline every other sampler must beat.',
    requires: [],
  },
  {
    id: 'vl4pose',
    description: 'VL4Pose: least likely skeletons under the learned bone-length model (auxiliary net).',
    requires: ['candidates.peaks', 'candidates.linkParams'],
  },
  {
    id: 'mpe',
    description: 'Multi-Peak Entropy: heatmaps with several comparable peaks, summed over joints.',
    requires: ['candidates.peaks'],
  },
  {
    id: 'aleatoric',
    description: 'Aleatoric: largest mean predicted per-joint log-variance (auxiliary net).',
    requires: ['candidates.aleatoricLogVar'],
  },
  {
    id: 'learning-loss',
    description: 'Learning Loss++: largest predicted loss (auxiliary net).',
    requires: ['candidates.predictedLoss'],
  },
  {
    id: 'coreset',
    description:
      'Core-Set: k-center greedy on image embeddings, the images farthest from everything labelled.',
    requires: ['candidates.embedding', 'labelled.embedding'],
  },
];

const LEAST_LIKELY_LINKS = 3;
const TOP_JOINTS = 3;
/** A joint is ambiguous when its second peak reaches this fraction of the top peak's value. */
const AMBIGUOUS_RATIO = 0.5;

type HeatmapSampler = (input: HeatmapSamplerInput, options: HeatmapSamplerOptions) => Selection;

// ---------------------------------------------------------------------------------------------------------------
// Reading the summaries

/** Candidate i's peaks per joint (the non-NaN slots of its J×K×3 block). */
function candidatePeaks(input: HeatmapSamplerInput, candidate: number): Peak[][] {
  const { peaks, maxPeaks } = input.candidates;
  return Array.from({ length: input.jointCount }, (_, joint) => {
    const list: Peak[] = [];
    for (let k = 0; k < maxPeaks; k++) {
      const at = ((candidate * input.jointCount + joint) * maxPeaks + k) * 3;
      if (Number.isNaN(peaks[at]!)) break;
      list.push({ row: peaks[at]!, col: peaks[at + 1]!, value: peaks[at + 2]! });
    }
    return list;
  });
}

function candidateLinkParams(input: HeatmapSamplerInput, candidate: number): Float32Array {
  const size = 2 * input.tree.links.length;
  return input.candidates.linkParams!.subarray(candidate * size, (candidate + 1) * size);
}

/** The TOP_JOINTS largest of `values` (ties to the lower joint), optionally only those above `above`. */
function topJoints(values: ArrayLike<number>, above = -Infinity): { joint: number; value: number }[] {
  return Array.from(values, (value, joint) => ({ joint, value }))
    .filter(({ value }) => value > above)
    .sort((a, b) => b.value - a.value || a.joint - b.joint)
    .slice(0, TOP_JOINTS);
}

function describeJoints(tree: HumanTree, joints: { joint: number; value: number }[]): string {
  return joints.map(({ joint, value }) => `${tree.jointNames[joint]} (${value.toFixed(2)})`).join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// The samplers

/**
 * VL4Pose (§4.4): each candidate's peaks scored by the tree DP under `aggregator`; the B lowest, least likely
 * first. Reasons: the three links with the lowest ℓ between top peaks, and the joints with a second peak at least
 * half as high as the top one. O(n·Σ_k K_p·K_c + n log n) time.
 */
const vl4poseHeatmap: HeatmapSampler = (input, options) => {
  const { tree } = input;
  const aggregator = options.aggregator ?? 'sum';
  const scoringPeaks = options.scoringPeaks ?? 1;
  const scoreOptions = { aggregator, temperature: options.temperature };
  const scores = Float64Array.from({ length: input.candidates.count }, (_, i) => {
    const peaks = candidatePeaks(input, i).map((list) => list.slice(0, scoringPeaks));
    return scoreTree(tree, peaks, candidateLinkParams(input, i), scoreOptions).score;
  });
  const picks = rankByScore(scores, options.budget, 'lowest');
  const reasons = Array.from(picks, (pick): Reason => {
    const peaks = candidatePeaks(input, pick);
    const perLink = poseLinkLogDensities(
      tree,
      peaks.map((list) => list[0]!),
      candidateLinkParams(input, pick),
    );
    const leastLikelyLinks: LinkScore[] = Array.from(perLink, (loglik, link) => ({
      link,
      parent: tree.links[link]![0],
      child: tree.links[link]![1],
      loglik,
    }))
      .sort((a, b) => a.loglik - b.loglik || a.link - b.link)
      .slice(0, LEAST_LIKELY_LINKS);
    const ambiguousJoints = peaks.flatMap(([top, second], joint) =>
      second && top!.value > 0 && second.value >= AMBIGUOUS_RATIO * top!.value
        ? [{ joint, ratio: second.value / top!.value }]
        : [],
    );
    const score = scores[pick]!;
    const links = leastLikelyLinks
      .map((l) => `${linkName(tree, l.link)} (${l.loglik.toFixed(2)})`)
      .join(', ');
    // The sentence names the most ambiguous few; the structured field keeps them all.
    const shown = [...ambiguousJoints]
      .sort((a, b) => b.ratio - a.ratio || a.joint - b.joint)
      .slice(0, TOP_JOINTS);
    const more = ambiguousJoints.length - shown.length;
    const ambiguous =
      shown.length === 0
        ? ''
        : `; ambiguous: ${shown.map((a) => `${tree.jointNames[a.joint]} (second peak ${a.ratio.toFixed(2)}× the top)`).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    return {
      kind: 'vl4pose-heatmap',
      score,
      aggregator,
      leastLikelyLinks,
      ambiguousJoints,
      sentence: `Implausible skeleton: ${aggregator} log-likelihood ${score.toFixed(2)}, least likely links ${links}${ambiguous}.`,
    };
  });
  return { sampler: 'vl4pose', picks, reasons };
};

/**
 * Multi-Peak Entropy (§5.3): Σ_j entropy of softmax(peak values / temperature), nats; the B highest. [R] searches
 * peaks with md 5 and K 5 for this; here the candidate's stored peaks stand in for them (md and K of the prediction
 * settings), so with K = 1 every entropy is 0 and the ranking falls back to index order. O(n·J·K + n log n).
 */
const mpe: HeatmapSampler = (input, options) => {
  const entropies = Array.from({ length: input.candidates.count }, (_, i) =>
    multiPeakEntropy(candidatePeaks(input, i), options.temperature),
  );
  const scores = Float64Array.from(entropies, (e) => e.total);
  const picks = rankByScore(scores, options.budget, 'highest');
  const reasons = Array.from(picks, (pick): Reason => {
    const joints = topJoints(entropies[pick]!.perJoint, 0);
    const entropy = scores[pick]!;
    const where =
      joints.length === 0 ? 'no joint has a second peak' : `most on ${describeJoints(input.tree, joints)}`;
    return {
      kind: 'mpe',
      entropy,
      topJoints: joints.map(({ joint, value }) => ({ joint, entropy: value })),
      sentence: `Ambiguous heatmaps: multi-peak entropy ${entropy.toFixed(3)} nats, ${where}.`,
    };
  });
  return { sampler: 'mpe', picks, reasons };
};

/** Aleatoric (§5.2): mean_j s_j of the predicted log-variances; the B highest. O(n·J + n log n). */
const aleatoricHeatmap: HeatmapSampler = (input, options) => {
  const { jointCount } = input;
  const logVar = input.candidates.aleatoricLogVar!;
  const rowOf = (i: number): Float32Array => logVar.subarray(i * jointCount, (i + 1) * jointCount);
  const scores = Float64Array.from(
    { length: input.candidates.count },
    (_, i) => rowOf(i).reduce((sum, s) => sum + s, 0) / jointCount,
  );
  const picks = rankByScore(scores, options.budget, 'highest');
  const reasons = Array.from(picks, (pick): Reason => {
    const joints = topJoints(rowOf(pick));
    const meanLogVariance = scores[pick]!;
    return {
      kind: 'aleatoric-heatmap',
      meanLogVariance,
      topJoints: joints.map(({ joint, value }) => ({ joint, logVariance: value })),
      sentence: `Hard to locate: mean predicted log-variance ${meanLogVariance.toFixed(2)}, most on ${describeJoints(input.tree, joints)}.`,
    };
  });
  return { sampler: 'aleatoric', picks, reasons };
};

/** Learning Loss(++) (§5.1): the B largest predicted losses. O(n log n). */
const learningLoss: HeatmapSampler = (input, options) => {
  const scores = Float64Array.from(input.candidates.predictedLoss!);
  const picks = rankByScore(scores, options.budget, 'highest');
  const reasons = Array.from(picks, (pick): Reason => ({
    kind: 'learning-loss',
    predictedLoss: scores[pick]!,
    sentence: `The model expects a large error here: predicted loss ${scores[pick]!.toPrecision(3)}.`,
  }));
  return { sampler: 'learning-loss', picks, reasons };
};

/** Adapts a per-candidate block to the pose-sampler contract, so random and Core-Set reuse those samplers. */
function asPoseInput(candidates: Float32Array, labelled: Float32Array, dims: number): SamplerInput {
  return { dims, candidates: { mean: candidates }, labelled: { mean: labelled } };
}

/** Random: the first B of a seeded Fisher–Yates permutation (the pose sampler on n placeholder rows). O(n). */
const randomHeatmap: HeatmapSampler = (input, options) =>
  random(asPoseInput(new Float32Array(input.candidates.count), new Float32Array(0), 1), options);

/**
 * Core-Set (§5.4): k-center greedy on embeddings with the labelled embeddings as initial centres (first index on
 * ties). Time O((m + B)·n·E) worst case, memory O(n).
 */
const coresetFeatures: HeatmapSampler = (input, options) => {
  const { embedding, embeddingSize } = input.candidates;
  const labelled = input.labelled.embedding ?? new Float32Array(0);
  const selection = coreset(asPoseInput(embedding!, labelled, embeddingSize!), options);
  const reasons = selection.reasons.map((reason): Reason => {
    const { distance, nearest } = reason as Extract<Reason, { kind: 'coreset' }>;
    const centre =
      nearest === null
        ? 'nothing was labelled yet'
        : `${distance!.toFixed(3)} from the nearest ${nearest.set === 'labelled' ? 'labelled image' : 'picked image'} #${nearest.index}`;
    return { kind: 'coreset-features', distance, nearest, sentence: `Most novel image features: ${centre}.` };
  });
  return { sampler: 'coreset', picks: selection.picks, reasons };
};

const RUN: Record<HeatmapSamplerId, HeatmapSampler> = {
  random: randomHeatmap,
  vl4pose: vl4poseHeatmap,
  mpe,
  aleatoric: aleatoricHeatmap,
  'learning-loss': learningLoss,
  coreset: coresetFeatures,
};

// ---------------------------------------------------------------------------------------------------------------
// Validation

function invalid(field: string, message: string): AppError {
  return new AppError('invalid_input', `${field}: ${message}`, field);
}

function checkCount(field: string, value: number, minimum: 0 | 1): void {
  if (!(Number.isInteger(value) && value >= minimum))
    throw invalid(field, `must be an integer ≥ ${minimum}, got ${value}`);
}

/** Checks presence, length (rows×columns) and finiteness, naming the first bad row and column. */
function checkMatrix(field: string, values: Float32Array | undefined, rows: number, columns: number): void {
  if (values === undefined)
    throw invalid(field, `required by this sampler but missing (expected ${rows}×${columns} values)`);
  if (values.length !== rows * columns)
    throw invalid(field, `expected ${rows}×${columns} values, got ${values.length}`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw invalid(
      field,
      `value at row ${Math.floor(bad / columns)}, column ${bad % columns} is ${values[bad]}`,
    );
}

/** Every joint of every candidate: ≥ 1 peak, finite (row, col, value), values non-increasing, NaN padding last. */
function checkPeaks(input: HeatmapSamplerInput): void {
  const { count, peaks, maxPeaks } = input.candidates;
  const { jointCount } = input;
  const field = 'candidates.peaks';
  if (peaks.length !== count * jointCount * maxPeaks * 3)
    throw invalid(field, `expected ${count}×${jointCount}×${maxPeaks}×3 values, got ${peaks.length}`);
  for (let i = 0; i < count; i++) {
    for (let joint = 0; joint < jointCount; joint++) {
      const where = `candidate ${i}, joint ${joint}`;
      let padded = false;
      for (let k = 0; k < maxPeaks; k++) {
        const at = ((i * jointCount + joint) * maxPeaks + k) * 3;
        const slot = [peaks[at]!, peaks[at + 1]!, peaks[at + 2]!];
        if (slot.every(Number.isNaN)) {
          if (k === 0)
            throw invalid(field, `${where} has no peak (pass the global-argmax fallback: peaksWithFallback)`);
          padded = true;
        } else if (padded) {
          throw invalid(field, `${where}, peak ${k} follows NaN padding (peaks must come first)`);
        } else if (!slot.every(Number.isFinite)) {
          throw invalid(field, `${where}, peak ${k} is (${slot.join(', ')}), not three finite numbers`);
        } else if (k > 0 && slot[2]! > peaks[at - 1]!) {
          throw invalid(
            field,
            `${where}, peak ${k} is higher than peak ${k - 1} (peaks must be highest first)`,
          );
        }
      }
    }
  }
}

function validateOptions(options: HeatmapSamplerOptions): void {
  checkCount('budget', options.budget, 1);
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw invalid('seed', `must be an integer, got ${options.seed}`);
  if (
    options.scoringPeaks !== undefined &&
    !(Number.isInteger(options.scoringPeaks) && options.scoringPeaks >= 1)
  )
    throw invalid('scoringPeaks', `must be an integer ≥ 1, got ${options.scoringPeaks}`);
  if (options.aggregator !== undefined && !TREE_AGGREGATORS.includes(options.aggregator))
    throw invalid('aggregator', `unknown "${options.aggregator}" (known: ${TREE_AGGREGATORS.join(', ')})`);
  if (options.temperature !== undefined && !(options.temperature > 0 && Number.isFinite(options.temperature)))
    throw invalid('temperature', `must be a finite number > 0, got ${options.temperature}`);
}

/** Validates everything sampler `spec` reads from `input`; throws AppError('invalid_input') naming the field. */
export function validateHeatmapInput(spec: HeatmapSamplerSpec, input: HeatmapSamplerInput): void {
  const { jointCount, candidates, labelled } = input;
  checkCount('jointCount', jointCount, 1);
  try {
    humanTree(input.tree);
  } catch (error) {
    throw invalid('tree', error instanceof Error ? error.message : String(error));
  }
  if (input.tree.jointCount !== jointCount)
    throw invalid('tree', `has ${input.tree.jointCount} joints, but jointCount is ${jointCount}`);
  checkCount('candidates.count', candidates.count, 1);
  checkCount('labelled.count', labelled.count, 0);
  const count = candidates.count;
  for (const field of spec.requires) {
    switch (field) {
      case 'candidates.peaks':
        checkCount('candidates.maxPeaks', candidates.maxPeaks, 1);
        checkPeaks(input);
        break;
      case 'candidates.linkParams':
        checkMatrix(field, candidates.linkParams, count, 2 * input.tree.links.length);
        break;
      case 'candidates.aleatoricLogVar':
        checkMatrix(field, candidates.aleatoricLogVar, count, jointCount);
        break;
      case 'candidates.predictedLoss':
        checkMatrix(field, candidates.predictedLoss, count, 1);
        break;
      case 'candidates.embedding':
        checkCount('candidates.embeddingSize', candidates.embeddingSize ?? NaN, 1);
        checkMatrix(field, candidates.embedding, count, candidates.embeddingSize!);
        break;
      case 'labelled.embedding':
        // An empty labelled set needs no embeddings.
        if (labelled.count === 0 && labelled.embedding === undefined) break;
        checkMatrix(field, labelled.embedding, labelled.count, candidates.embeddingSize!);
        break;
    }
  }
}

export function getHeatmapSampler(id: string): HeatmapSamplerSpec {
  const spec = HEATMAP_SAMPLERS.find((candidate) => candidate.id === id);
  if (!spec)
    throw invalid(
      'sampler',
      `unknown heatmap sampler "${id}" (known: ${HEATMAP_SAMPLERS.map((s) => s.id).join(', ')})`,
    );
  return spec;
}

/**
 * Validates, then runs heatmap sampler `id`. Returns exactly min(budget, candidates) unique picks, best first, each
 * with a reason. Throws AppError('invalid_input') with `field` set on any shape mismatch, non-finite value, missing
 * field, bad tree or bad option.
 */
export function runHeatmapSampler(
  id: string,
  input: HeatmapSamplerInput,
  options: HeatmapSamplerOptions,
): Selection {
  const spec = getHeatmapSampler(id);
  validateOptions(options);
  validateHeatmapInput(spec, input);
  return RUN[spec.id](input, options);
}
