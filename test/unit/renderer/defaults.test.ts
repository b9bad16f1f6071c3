/** What an opened sample starts from (src/renderer/src/annotate/defaults.ts), with exact numbers. */
import { describe, expect, it } from 'vitest';
import type { Annotation, PredictionView } from '@shared/contract';
import type { Joint } from '@shared/domain';
import {
  defaultTau,
  depthWindow,
  fitJoints,
  initialJoints,
  tauCeiling,
  unknownLayout,
} from '../../../src/renderer/src/annotate/defaults';

const placed = (u: number, v: number, d: number | null): Joint => ({
  u,
  v,
  d,
  visibility: 'visible',
  state: 'moved',
});
const absent: Joint = { u: null, v: null, d: null, visibility: 'absent', state: 'created' };

function prediction(stdPx: number[]): PredictionView {
  return {
    joints: stdPx.map((s, i) => ({ u: i, v: 2 * i, d: 400 + i, stdPx: s, stdMm: s * 3 })),
  } as unknown as PredictionView;
}

describe('annotate defaults', () => {
  it('fits joints to the skeleton: truncates, or pads with absent ones', () => {
    expect(fitJoints([placed(1, 2, 3), placed(4, 5, 6)], 1)).toEqual([placed(1, 2, 3)]);
    expect(fitJoints([placed(1, 2, 3)], 3)).toEqual([placed(1, 2, 3), absent, absent]);
  });

  it('starts from the annotation, else the prediction (depth only for depth images), else nothing', () => {
    const annotation = { joints: [placed(7, 8, 9)] } as Annotation;
    const p = prediction([1, 2]);
    expect(initialJoints(2, annotation, p, true)).toEqual([placed(7, 8, 9), absent]);
    expect(initialJoints(2, null, p, true)).toEqual([
      { u: 0, v: 0, d: 400, visibility: 'visible', state: 'predicted' },
      { u: 1, v: 2, d: 401, visibility: 'visible', state: 'predicted' },
    ]);
    expect(initialJoints(1, null, p, false)[0]!.d).toBeNull();
    expect(initialJoints(2, null, null, true)).toEqual([absent, absent]);
  });

  it('opens an unknown skeleton with numbered joints', () => {
    expect(unknownLayout('mystery', 3)).toEqual({
      id: 'mystery',
      name: 'mystery',
      kind: 'hand',
      joints: ['0', '1', '2'],
      edges: [],
    });
  });

  it('windows the depth around the pose (−80 / +120 mm) inside the image range', () => {
    const range = { min: 300, max: 900, low: 350, high: 850 };
    expect(depthWindow([placed(0, 0, 500.4), placed(0, 0, 610.6), absent], range)).toEqual({
      lo: 420,
      hi: 731,
    });
    expect(depthWindow([placed(0, 0, 320), placed(0, 0, 850)], range)).toEqual({ lo: 300, hi: 900 });
    // No depth on the pose: the image's robust range.
    expect(depthWindow([placed(0, 0, null), placed(0, 0, 0)], range)).toEqual({ lo: 350, hi: 850 });
    expect(depthWindow([], { min: 500, max: 500, low: 500, high: 500 })).toEqual({ lo: 500, hi: 501 });
  });

  it('starts τ at the median σ to 0.1 px, and caps the slider one above the largest σ', () => {
    expect(defaultTau(prediction([3.14, 1.26, 2.25]))).toBe(2.3);
    expect(defaultTau(prediction([4, 1, 2, 3]))).toBe(3);
    expect(defaultTau(null)).toBe(3);
    expect(tauCeiling(prediction([0.4, 6.7]))).toBe(7);
    expect(tauCeiling(null)).toBe(1);
  });
});
