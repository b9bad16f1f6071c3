import { describe, expect, it } from 'vitest';
import { globalArgmax, localMaxima, peakWeights } from '@shared/pose2d/peaks';
import { renderTargetHeatmaps } from '@shared/pose2d/targets';

// Spec vl4pose §9 TV-D (peaks, weights) and TV-H (GT heatmap).
const H = [
  [0.0, 0.1, 0.2, 0.1, 0.0],
  [0.1, 0.9, 0.3, 0.2, 0.1],
  [0.2, 0.3, 0.4, 0.3, 0.6],
  [0.1, 0.2, 0.3, 0.2, 0.5],
  [0.0, 0.7, 0.1, 0.0, 0.0],
].flat();
const positions = (peaks: { row: number; col: number }[]) => peaks.map((p) => [p.row, p.col]);

describe('localMaxima (TV-D)', () => {
  it.each([
    [
      1,
      5,
      false,
      [
        [1, 1],
        [4, 1],
        [2, 4],
      ],
    ],
    [1, 5, true, [[1, 1]]],
    [
      2,
      5,
      false,
      [
        [1, 1],
        [4, 1],
        [2, 4],
      ],
    ],
    [
      1,
      2,
      false,
      [
        [1, 1],
        [4, 1],
      ],
    ],
    [1, 1, false, [[1, 1]]],
  ])('md %i, K %i, EB %s', (md, maxPeaks, excludeBorder, expected) => {
    expect(positions(localMaxima(H, 5, 5, { minDistance: md, maxPeaks, excludeBorder }))).toEqual(expected);
  });

  it('weights are the softmax of raw values, optionally scaled by 30', () => {
    const peaks = localMaxima(H, 5, 5, { minDistance: 1, maxPeaks: 5, excludeBorder: false });
    const expectClose = (actual: number[], expected: number[]) =>
      actual.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThan(1e-12));
    expectClose(peakWeights(peaks), [0.3906938332698157, 0.3198730563359197, 0.28943311039426467]);
    expectClose(peakWeights(peaks, 30), [0.9974045916920704, 0.0024723188026737402, 0.00012308950525587303]);
  });

  it('plateaus keep row-major order; md 2 drops the neighbour', () => {
    const plateau = new Array<number>(25).fill(0);
    plateau[6] = plateau[7] = plateau[18] = 1;
    plateau[15] = 0.5;
    const options = { maxPeaks: 10, excludeBorder: false };
    expect(positions(localMaxima(plateau, 5, 5, { ...options, minDistance: 1 }))).toEqual([
      [1, 1],
      [1, 2],
      [3, 3],
      [3, 0],
    ]);
    expect(positions(localMaxima(plateau, 5, 5, { ...options, minDistance: 2 }))).toEqual([
      [1, 1],
      [3, 3],
    ]);
  });

  it('a constant map has no peaks; the fallback is the first global maximum', () => {
    const flat = new Array<number>(16).fill(2);
    expect(localMaxima(flat, 4, 4, { minDistance: 1, maxPeaks: 3, excludeBorder: false })).toEqual([]);
    expect(globalArgmax(H, 5, 5)).toEqual({ row: 1, col: 1, value: 0.9 });
  });
});

describe('renderTargetHeatmaps (TV-H)', () => {
  it('draws the Gaussian around the rounded grid position with exact values', () => {
    const { heatmaps, exists } = renderTargetHeatmaps(
      [
        { row: 128, col: 100, visibility: 1 },
        { row: 160, col: 140, visibility: 0 },
        { row: 10, col: 10, visibility: -1 },
      ],
      256,
      64,
    );
    expect(Array.from(exists)).toEqual([1, 1, 0]);
    const at = (j: number, r: number, c: number) => heatmaps[j * 4096 + r * 64 + c]!;
    expect(Math.abs(at(0, 32, 25) - 28.90268439659456)).toBeLessThan(1e-4);
    expect(Math.abs(at(0, 31, 25) - 27.760061249945466)).toBeLessThan(1e-4);
    expect(Math.abs(at(0, 32, 24) - 27.023519671000333)).toBeLessThan(1e-4);
    expect(globalArgmax(heatmaps.subarray(4096, 8192), 64, 64)).toMatchObject({ row: 40, col: 35 });
    // 11×11 support: rows 27..37, columns 20..30.
    expect(at(0, 26, 25)).toBe(0);
    expect(at(0, 27, 25)).toBeGreaterThan(0);
    expect(at(0, 32, 31)).toBe(0);
    expect(heatmaps.subarray(8192).every((v) => v === 0)).toBe(true);
  });

  it('a joint whose window misses the grid does not exist', () => {
    const { exists } = renderTargetHeatmaps([{ row: -40, col: 100, visibility: 1 }], 256, 64);
    expect(exists[0]).toBe(0);
  });
});
