/**
 * Local maxima of a heatmap, exactly as skimage `peak_local_max(h, min_distance, num_peaks, exclude_border)` does it
 * (spec vl4pose §4.2): a pixel is a candidate when it equals the maximum of its clipped (2·md+1)² window and exceeds
 * the map's global minimum; candidates are taken highest first (ties in row-major order) unless an accepted peak lies
 * within Chebyshev distance < md. Positions are grid (row, col) integers.
 */
export interface Peak {
  row: number;
  col: number;
  value: number;
}

export interface PeakOptions {
  /** md: window half-size and minimum Chebyshev separation between peaks. */
  minDistance: number;
  /** K: at most this many peaks. */
  maxPeaks: number;
  /** Ignore candidates in the frame of width md (the reference sampler's default; §4.2 recommends false). */
  excludeBorder: boolean;
}

/**
 * The peaks of one rows×cols map (row-major), highest first; [] for a constant map or when every candidate is
 * excluded. O(rows·cols·md) time: the window maximum is separable (rows, then columns).
 */
export function localMaxima(
  map: ArrayLike<number>,
  rows: number,
  cols: number,
  options: PeakOptions,
): Peak[] {
  const { minDistance: md, maxPeaks, excludeBorder } = options;
  const rowMax = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let best = -Infinity;
      for (let k = Math.max(0, c - md); k <= Math.min(cols - 1, c + md); k++)
        best = Math.max(best, map[r * cols + k]!);
      rowMax[r * cols + c] = best;
    }
  }
  let minimum = Infinity;
  let trivial = true;
  const candidates: Peak[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let windowMax = -Infinity;
      for (let k = Math.max(0, r - md); k <= Math.min(rows - 1, r + md); k++)
        windowMax = Math.max(windowMax, rowMax[k * cols + c]!);
      const value = map[r * cols + c]!;
      minimum = Math.min(minimum, value);
      if (value !== windowMax) trivial = false;
      else candidates.push({ row: r, col: c, value });
    }
  }
  if (trivial) return [];
  const inside = (p: Peak) =>
    !excludeBorder || (p.row >= md && p.row < rows - md && p.col >= md && p.col < cols - md);
  // Array.prototype.sort is stable, so equal values keep the row-major order they were pushed in.
  const sorted = candidates.filter((p) => p.value > minimum && inside(p)).sort((a, b) => b.value - a.value);
  const accepted: Peak[] = [];
  for (const peak of sorted) {
    if (accepted.length >= maxPeaks) break;
    if (accepted.every((a) => Math.max(Math.abs(a.row - peak.row), Math.abs(a.col - peak.col)) >= md))
      accepted.push(peak);
  }
  return accepted;
}

/** Position and value of the largest entry (first in row-major order on ties): the fallback when a map has no peak. */
export function globalArgmax(map: ArrayLike<number>, rows: number, cols: number): Peak {
  let best = 0;
  for (let i = 1; i < rows * cols; i++) if (map[i]! > map[best]!) best = i;
  return { row: Math.floor(best / cols), col: best % cols, value: map[best]! };
}

/** Softmax of raw peak values times `scale` (1 = the reference: raw heatmap values, no temperature; gotcha 4). */
export function peakWeights(peaks: readonly Peak[], scale = 1): number[] {
  const top = Math.max(...peaks.map((p) => p.value * scale));
  const exps = peaks.map((p) => Math.exp(p.value * scale - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
