/** The label-QC link parameter between the Export list and the annotate view (src/renderer/src/annotate/qc.ts). */
import { describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import { markLength, parseQcParam, qcParam } from '../../../src/renderer/src/annotate/qc';

const at = (u: number | null, v: number | null): Joint => ({
  u,
  v,
  d: null,
  visibility: u === null ? 'absent' : 'visible',
  state: 'moved',
});

describe('label QC marks', () => {
  it('round-trips flags through the qc parameter: a link with its limit, a swap as its pairs', () => {
    const param = qcParam([
      { kind: 'unlikely-link', joints: [5, 6], value: 4.2, limitPx: 23.41, sentence: '' },
      { kind: 'lr-swap', joints: [4, 7, 5, 8], value: 0, sentence: '' },
    ]);
    expect(param).toBe('5-6:23.4,4~7,5~8');
    expect(parseQcParam(param, 16)).toEqual([
      { kind: 'link', a: 5, b: 6, limitPx: 23.4 },
      { kind: 'swap', a: 4, b: 7, limitPx: null },
      { kind: 'swap', a: 5, b: 8, limitPx: null },
    ]);
  });

  it('drops malformed items and joints outside the skeleton', () => {
    expect(parseQcParam('5-6:x,3-3:1,2~16,-1~2,7-8:12', 16)).toEqual([
      { kind: 'link', a: 7, b: 8, limitPx: 12 },
    ]);
    expect(parseQcParam(null, 16)).toEqual([]);
  });

  it('measures a mark on the current label in image px, or null while an end is not placed', () => {
    const joints = [at(0, 0), at(3, 4), at(null, null)];
    expect(markLength({ kind: 'link', a: 0, b: 1, limitPx: 4 }, joints)).toBe(5);
    expect(markLength({ kind: 'swap', a: 0, b: 2, limitPx: null }, joints)).toBeNull();
  });
});
