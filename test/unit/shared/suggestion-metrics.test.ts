import { describe, expect, it } from 'vitest';
import { uvdDistanceMm } from '../../../src/shared/camera';
import { collapsedPairs, pckSizes, shoulderPair } from '../../../src/shared/pose2d';
import { COCO17, HAND21, MPII16 } from '../../../src/shared/skeletons';

/** n×J×2 (row, col) poses of a layout, every joint at (0, 0) except the ones given. */
function poses(jointCount: number, ...overrides: Record<number, [number, number]>[]): Float64Array {
  const out = new Float64Array(overrides.length * jointCount * 2);
  overrides.forEach((set, i) => {
    for (const [j, point] of Object.entries(set)) out.set(point, (i * jointCount + Number(j)) * 2);
  });
  return out;
}

const visible = (count: number, jointCount: number) => new Array<number>(count * jointCount).fill(2);

describe('PCKh sizes (the one normaliser rule of every PCKh we report)', () => {
  it('takes the head segment where the layout has head_top and neck, at least 1 px', () => {
    // MPII16: head_top 0, neck 1. Second pose: head on the neck (a degenerate label).
    const truth = poses(16, { 0: [10, 50], 1: [40, 50] }, { 0: [7, 7], 1: [7, 7] });
    expect(Array.from(pckSizes(truth, visible(2, 16), MPII16))).toEqual([30, 1]);
  });

  it('takes the LSP torso, max(‖l_shoulder − r_hip‖, ‖r_shoulder − l_hip‖), for COCO', () => {
    // COCO17: l_shoulder 5, r_shoulder 6, l_hip 11, r_hip 12.
    const truth = poses(17, { 5: [0, 0], 12: [30, 40], 6: [0, 10], 11: [24, 0] });
    expect(Array.from(pckSizes(truth, visible(1, 17), COCO17))).toEqual([50]);
  });
});

describe('collapsed shoulders', () => {
  it('finds the shoulder pair by name, or none', () => {
    expect(shoulderPair(MPII16)).toEqual([2, 5]);
    expect(shoulderPair(COCO17)).toEqual([5, 6]);
    expect(shoulderPair(HAND21)).toBeNull();
  });

  it('counts poses whose pair lies within 2 px (inclusive), over the poses that place both', () => {
    const pose = (a: { u: number; v: number } | null, b: { u: number; v: number } | null) => [a, b];
    const result = collapsedPairs(
      [
        pose({ u: 10, v: 10 }, { u: 11.5, v: 10 }), // 1.5 px: collapsed
        pose({ u: 10, v: 10 }, { u: 10, v: 12 }), // exactly 2 px: collapsed
        pose({ u: 10, v: 10 }, { u: 12.01, v: 10 }), // 2.01 px: apart
        pose({ u: 10, v: 10 }, null), // one shoulder not suggested: not counted
        pose({ u: Number.NaN, v: 10 }, { u: 10, v: 10 }), // not placed: not counted
      ],
      [0, 1],
    );
    expect(result).toEqual({ images: 3, collapsed: 2, share: 2 / 3 });
    expect(collapsedPairs([], [0, 1])).toEqual({ images: 0, collapsed: 0, share: null });
    expect(collapsedPairs([pose({ u: 0, v: 0 }, { u: 3, v: 4 })], [0, 1], 5).collapsed).toBe(1);
  });
});

describe('uvdDistanceMm', () => {
  const camera = { fx: 100, fy: 100, cx: 0, cy: 0 };

  it('back-projects both points before measuring', () => {
    // (50, 0, 200) → x = 50·200/100 = 100 mm; (0, 0, 200) → the axis.
    expect(uvdDistanceMm(camera, [50, 0, 200], [0, 0, 200])).toBe(100);
    // (100, 0, 300) → (300, 0, 300); (0, 0, 700) → (0, 0, 700): a 300-400-500 triangle.
    expect(uvdDistanceMm(camera, [100, 0, 300], [0, 0, 700])).toBe(500);
    expect(uvdDistanceMm(camera, [Number.NaN, 0, 300], [0, 0, 700])).toBeNaN();
  });
});
