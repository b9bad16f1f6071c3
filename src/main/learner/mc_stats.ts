import type { DeepPriorLoss } from './models/deepprior/types';

/** Per-coordinate statistics over M stochastic passes (spec §4.2). Float64 accumulation, population divisor M. */
export interface McStatistics {
  mean: Float32Array;
  std: Float32Array;
  /** Aleatoric variance σ²: mean over passes of each pass's σ² (`aleatoricVariance`); null without a head. */
  aleatoric: Float32Array | null;
  /** Mean over passes of s (the reference code's stored "aleatoric", G8); null without a head. */
  meanLogVar: Float32Array | null;
}

/**
 * The aleatoric variance a log head s stands for. The Gaussian loss (½·e^(−s)·(y−ŷ)² + ½·s) is minimised at
 * e^s = (y−ŷ)², a variance. The reference loss (½·e^(−s)·|y−ŷ| + ½·s, spec §3.2) is minimised at e^s = |y−ŷ|, a
 * scale: there σ = e^s and σ² = e^(2s). (The constant between a mean absolute deviation and a std is left to the
 * per-model calibration, loop/calibration.ts.)
 */
export function aleatoricVariance(logVar: number, loss: DeepPriorLoss): number {
  return Math.exp(loss === 'reference' ? 2 * logVar : logVar);
}

/**
 * `means[m]` and `logVars[m]` hold pass m's outputs for the same rows (each length n·C). T3: passes (0.1, 0.5),
 * (0.3, 0.4), (0.2, 0.7), (0, 0.6) give mean (0.15, 0.55) and std (0.1118034, 0.1118034).
 */
export function aggregatePasses(
  means: readonly Float32Array[],
  head: { logVars: readonly Float32Array[]; loss: DeepPriorLoss } | null,
): McStatistics {
  const logVars = head?.logVars ?? null;
  const passes = means.length;
  if (passes === 0) throw new Error('at least one pass is needed');
  const size = means[0]!.length;
  const mean = new Float32Array(size);
  const std = new Float32Array(size);
  const aleatoric = logVars === null ? null : new Float32Array(size);
  const meanLogVar = logVars === null ? null : new Float32Array(size);
  for (let c = 0; c < size; c++) {
    let sum = 0;
    for (let m = 0; m < passes; m++) sum += means[m]![c]!;
    const mu = sum / passes;
    let squares = 0;
    for (let m = 0; m < passes; m++) squares += (means[m]![c]! - mu) ** 2;
    mean[c] = mu;
    std[c] = Math.sqrt(squares / passes);
    if (logVars !== null) {
      let logSum = 0;
      let varianceSum = 0;
      for (let m = 0; m < passes; m++) {
        const s = logVars[m]![c]!;
        logSum += s;
        varianceSum += aleatoricVariance(s, head!.loss);
      }
      meanLogVar![c] = logSum / passes;
      aleatoric![c] = varianceSum / passes;
    }
  }
  return { mean, std, aleatoric, meanLogVar };
}
