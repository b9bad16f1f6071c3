/**
 * Ground-truth heatmaps and the joint-exists flag (spec vl4pose §3.5, `utils.heatmap_generator` in the reference).
 * Crop coordinates (pixels of an S×S crop) map to the G×G grid by the corner-aligned factor k = (S−1)/(G−1)
 * (255/63 for 256 → 64). Each drawn joint is a Gaussian of σ = 1.75 grid px over an 11×11 window centred on the
 * rounded position, evaluated at the exact sub-pixel position, clipped at the edges, times the peak value 30.
 */
export const HEATMAP_SIGMA = 1.75;
export const HEATMAP_PEAK = 30;
/** ceil(6σ) forced odd: 11. */
const WINDOW = 11;
const HALF = (WINDOW - 1) / 2;

export interface TargetJoint {
  /** Row and column in crop pixels. */
  row: number;
  col: number;
  /** −1 absent (never drawn), 0 occluded (drawn: the reference's `occlusion: true`), 1 visible. */
  visibility: -1 | 0 | 1;
}

/** Crop pixels → grid pixels for an S-pixel crop and a G-cell grid. */
export function cropToGrid(value: number, cropSize: number, gridSize: number): number {
  return value / ((cropSize - 1) / (gridSize - 1));
}

export function gridToCrop(value: number, cropSize: number, gridSize: number): number {
  return value * ((cropSize - 1) / (gridSize - 1));
}

/**
 * Writes the J target maps of one sample into `out` (J×G×G, zeroed here) and returns the exist flags (1 = drawn).
 * A joint exists unless it is absent or its window misses the grid entirely; the reference's test is slightly
 * asymmetric (`ru−5 ≥ G or ru+5 ≤ 0 or rv−5 > G or rv+5 < 0`) and is kept as is.
 */
export function renderTargetHeatmaps(
  joints: readonly TargetJoint[],
  cropSize: number,
  gridSize: number,
  out: Float32Array = new Float32Array(joints.length * gridSize * gridSize),
): { heatmaps: Float32Array; exists: Uint8Array } {
  const cells = gridSize * gridSize;
  out.fill(0, 0, joints.length * cells);
  const exists = new Uint8Array(joints.length);
  const twoSigmaSq = 2 * HEATMAP_SIGMA * HEATMAP_SIGMA;
  joints.forEach((joint, j) => {
    if (joint.visibility === -1) return;
    const u = cropToGrid(joint.row, cropSize, gridSize);
    const v = cropToGrid(joint.col, cropSize, gridSize);
    const ru = Math.round(u);
    const rv = Math.round(v);
    if (ru - HALF >= gridSize || ru + HALF <= 0 || rv - HALF > gridSize || rv + HALF < 0) return;
    exists[j] = 1;
    for (let i = Math.max(0, ru - HALF); i <= Math.min(gridSize - 1, ru + HALF); i++) {
      for (let c = Math.max(0, rv - HALF); c <= Math.min(gridSize - 1, rv + HALF); c++) {
        out[j * cells + i * gridSize + c] =
          HEATMAP_PEAK * Math.exp(-((i - u) ** 2 + (c - v) ** 2) / twoSigmaSq);
      }
    }
  });
  return { heatmaps: out, exists };
}
