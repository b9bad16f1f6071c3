import { describe, expect, it } from 'vitest';
import { COCO17, LSP14, mirrorPairs, type SkeletonLayout } from '@shared/skeletons';

const named = (joints: string[]): SkeletonLayout => ({ ...LSP14, id: 'custom', joints });

describe('mirrorPairs', () => {
  it('pairs our l_/r_ joints', () => {
    const names = (layout: SkeletonLayout) =>
      mirrorPairs(layout).map(([l, r]) => `${layout.joints[l]}/${layout.joints[r]}`);
    expect(names(LSP14)).toEqual([
      'l_shoulder/r_shoulder',
      'l_elbow/r_elbow',
      'l_wrist/r_wrist',
      'l_hip/r_hip',
      'l_knee/r_knee',
      'l_ankle/r_ankle',
    ]);
    expect(mirrorPairs(COCO17)).toHaveLength(8);
  });

  it('pairs other tools’ spellings of a side, and nothing that only looks like one', () => {
    const mouse = named([
      'snout',
      'left_ear',
      'right_ear',
      'tailbase',
      'leftPaw',
      'RightPaw',
      'hip_L',
      'hip_R',
    ]);
    expect(mirrorPairs(mouse)).toEqual([
      [1, 2],
      [4, 5],
      [6, 7],
    ]);
    // "lip"/"rim" carry no side (a one-letter side needs a separator); an unmatched side pairs with nothing.
    expect(mirrorPairs(named(['lip', 'rim', 'left_wing', 'right_leg', 'fin-left', 'fin-right']))).toEqual([
      [4, 5],
    ]);
  });
});
