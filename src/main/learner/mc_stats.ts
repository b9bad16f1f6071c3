/** Per-coordinate statistics over M stochastic passes (spec §4.2). Float64 accumulation, population divisor M. */
export interface McStatistics {
  mean: Float32Array;
  std: Float32Array;
  /** Mean over passes of exp(s); null without a log-variance head. */
  aleatoric: Float32Array | null;
  /** Mean over passes of s (the reference code's stored "aleatoric", G8); null without a head. */
  meanLogVar: Float32Array | null;
}

/**
 * `means[m]` and `logVars[m]` hold pass m's outputs for the same rows (each length n·C). T3: passes (0.1, 0.5),
 * (0.3, 0.4), (0.2, 0.7), (0, 0.6) give mean (0.15, 0.55) and std (0.1118034, 0.1118034).
 */
export function aggregatePasses(
  means: readonly Float32Array[],
  logVars: readonly Float32Array[] | null,
): McStatistics {
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
      let expSum = 0;
      for (let m = 0; m < passes; m++) {
        const s = logVars[m]![c]!;
        logSum += s;
        expSum += Math.exp(s);
      }
      meanLogVar![c] = logSum / passes;
      aleatoric![c] = expSum / passes;
    }
  }
  return { mean, std, aleatoric, meanLogVar };
}
