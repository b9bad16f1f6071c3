/**
 * Sampler benchmark: wall time of the pool-wide samplers at realistic sizes (BigHand-like: 20k candidates, 10k
 * labelled, B = 1,000, C = 63) and their scaling in the candidate and labelled counts. Returns plain JSON.
 */
import { performance } from 'node:perf_hooks';
import { createRng } from '@shared/random';
import { runSampler } from '../registry';
import type { SamplerId, SamplerInput } from '../types';

export interface BenchOptions {
  dims?: number;
  budget?: number;
  seed?: number;
  samplers?: SamplerId[];
  /** Headline size. */
  candidates?: number;
  labelled?: number;
  /** Grid for the scaling table; the headline size is measured once more inside it if it lies on the grid. */
  candidateScale?: number[];
  labelledScale?: number[];
  /** Data: 'skeleton-like' (low-rank pose manifold, the realistic case) or 'isotropic' (worst case for pruning). */
  data?: 'skeleton-like' | 'isotropic';
}

export interface BenchRun {
  sampler: SamplerId;
  candidates: number;
  labelled: number;
  budget: number;
  ms: number;
}

export interface BenchResult {
  dims: number;
  budget: number;
  data: 'skeleton-like' | 'isotropic';
  headline: BenchRun[];
  scaling: BenchRun[];
}

/** Latent dimension of the synthetic pose manifold: hand poses vary along few directions (PCA of ~10 explains most). */
const LATENT_DIMS = 10;

/**
 * Synthetic predictions: skeleton-like rows are mean + W·z + small noise (z ∈ R^10), isotropic rows are N(0, 0.1²)
 * per coordinate. Std is uniform in [0.005, 0.015], the magnitude of spec Table 3.
 */
export function syntheticPredictions(
  rows: number,
  dims: number,
  data: 'skeleton-like' | 'isotropic',
  seed: number,
): { mean: Float32Array; std: Float32Array } {
  const rng = createRng(seed);
  // Fixed manifold for every call so candidates and labelled come from the same distribution.
  const manifoldRng = createRng(12345);
  const basePose = Float64Array.from({ length: dims }, () => manifoldRng.uniform(-0.5, 0.5));
  const loadings = Float64Array.from({ length: dims * LATENT_DIMS }, () => 0.1 * manifoldRng.normal());
  const mean = new Float32Array(rows * dims);
  const std = new Float32Array(rows * dims);
  const latent = new Float64Array(LATENT_DIMS);
  for (let i = 0; i < rows; i++) {
    for (let l = 0; l < LATENT_DIMS; l++) latent[l] = rng.normal();
    for (let c = 0; c < dims; c++) {
      let value: number;
      if (data === 'isotropic') value = 0.1 * rng.normal();
      else {
        value = basePose[c]! + 0.01 * rng.normal();
        for (let l = 0; l < LATENT_DIMS; l++) value += loadings[c * LATENT_DIMS + l]! * latent[l]!;
      }
      mean[i * dims + c] = value;
      std[i * dims + c] = rng.uniform(0.005, 0.015);
    }
  }
  return { mean, std };
}

function timeRun(
  sampler: SamplerId,
  candidates: number,
  labelled: number,
  budget: number,
  input: SamplerInput,
): BenchRun {
  const start = performance.now();
  const selection = runSampler(sampler, input, { budget });
  const ms = performance.now() - start;
  if (selection.picks.length !== Math.min(budget, candidates))
    throw new Error(`${sampler}: wrong pick count`);
  return { sampler, candidates, labelled, budget, ms: Math.round(ms) };
}

export function runSamplerBench(options: BenchOptions = {}): BenchResult {
  const dims = options.dims ?? 63;
  const budget = options.budget ?? 1000;
  const seed = options.seed ?? 1;
  const data = options.data ?? 'skeleton-like';
  const samplers = options.samplers ?? ['coreset', 'cke'];
  const candidateScale = options.candidateScale ?? [5000, 10000, 20000];
  const labelledScale = options.labelledScale ?? [2500, 5000, 10000];
  const headlineCandidates = options.candidates ?? 20000;
  const headlineLabelled = options.labelled ?? 10000;

  // Draw the largest sets once; smaller sizes are prefixes (zero-copy views).
  const candidatePool = syntheticPredictions(
    Math.max(headlineCandidates, ...candidateScale),
    dims,
    data,
    seed,
  );
  const labelledPool = syntheticPredictions(
    Math.max(headlineLabelled, ...labelledScale),
    dims,
    data,
    seed + 1,
  );
  const inputOf = (candidates: number, labelled: number): SamplerInput => ({
    dims,
    jointCount: dims % 3 === 0 ? dims / 3 : dims,
    candidates: {
      mean: candidatePool.mean.subarray(0, candidates * dims),
      std: candidatePool.std.subarray(0, candidates * dims),
    },
    labelled: {
      mean: labelledPool.mean.subarray(0, labelled * dims),
      std: labelledPool.std.subarray(0, labelled * dims),
    },
  });

  const headline = samplers.map((sampler) =>
    timeRun(
      sampler,
      headlineCandidates,
      headlineLabelled,
      budget,
      inputOf(headlineCandidates, headlineLabelled),
    ),
  );
  const scaling: BenchRun[] = [];
  for (const sampler of samplers) {
    for (const candidates of candidateScale) {
      for (const labelled of labelledScale) {
        scaling.push(timeRun(sampler, candidates, labelled, budget, inputOf(candidates, labelled)));
      }
    }
  }
  return { dims, budget, data, headline, scaling };
}
