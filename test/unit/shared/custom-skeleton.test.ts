import { describe, expect, it } from 'vitest';
import { matchPredictions } from '../../../src/main/datasets';
import type { Joint } from '../../../src/shared/domain';
import { absentJoint, customSkeleton, mapJointsByName, skeletonLinks } from '../../../src/shared/skeletons';
import { humanTree } from '../../../src/shared/pose2d';

const source = { tool: 'DeepLabCut', file: 'config.yaml' };
const joint = (u: number, v: number): Joint => ({ u, v, d: null, visibility: 'visible', state: 'accepted' });

describe('custom skeletons', () => {
  it('keeps the file links and derives a tree rooted at the first keypoint, unlinked parts hung off it', () => {
    const layout = customSkeleton(
      ['tail', 'snout', 'ear', 'paw', 'whisker'],
      [
        ['snout', 'ear'],
        ['ear', 'tail'],
        ['snout', 'tail'],
      ],
      source,
    );
    expect(layout).toMatchObject({
      kind: 'custom',
      name: 'DeepLabCut skeleton (5 keypoints, from config.yaml)',
      links: [
        [1, 2],
        [2, 0],
        [1, 0],
      ],
    });
    // A cycle (snout–ear–tail) is broken, and paw and whisker (no links) hang off the tail.
    expect(layout.edges).toEqual([
      [0, 2],
      [0, 1],
      [0, 3],
      [0, 4],
    ]);
    expect(humanTree(layout).root).toBe(0);
    expect(skeletonLinks(layout)).toBe(layout.links);
    expect(layout.id).toMatch(/^custom-[0-9a-f]{8}$/);
    expect(
      customSkeleton(['tail', 'snout', 'ear', 'paw', 'whisker'], [['snout', 'ear']], source).id,
    ).not.toBe(layout.id);
  });

  it('refuses repeated keypoints and links to unknown ones, naming the file', () => {
    expect(() => customSkeleton(['a', 'b', 'a'], [], source)).toThrow(
      'config.yaml: keypoint "a" is listed twice',
    );
    expect(() => customSkeleton(['a', 'b'], [['a', 'c']], source)).toThrow(
      'config.yaml: skeleton link a–c names a keypoint that is not listed',
    );
  });

  it('maps joints between two orders of the same names', () => {
    const from = customSkeleton(['a', 'b', 'c'], [], source);
    const to = customSkeleton(['c', 'a', 'd'], [], source);
    expect(mapJointsByName([joint(1, 1), joint(2, 2), joint(3, 3)], from, to)).toEqual([
      joint(3, 3),
      joint(1, 1),
      absentJoint(),
    ]);
  });
});

describe('matching predictions to labelled instances', () => {
  const pose = (dx: number, dy = 0): Joint[] => [
    joint(10 + dx, 10 + dy),
    joint(30 + dx, 10 + dy),
    joint(30 + dx, 30 + dy),
  ];

  it('pairs nearest first, one to one, within half the larger pose diagonal (here 14.14 px)', () => {
    // Label A at 0, label B at +100; predictions: B + 3, A + 1, A + 2 (the worse twin), far away at +200.
    const matches = matchPredictions([pose(0), pose(100)], [pose(103), pose(1), pose(2), pose(200)]);
    expect(matches).toEqual([1, 0, null, null]);
    // A prediction 14 px off still matches, 15 px off does not.
    expect(matchPredictions([pose(0)], [pose(14)])).toEqual([0]);
    expect(matchPredictions([pose(0)], [pose(15)])).toEqual([null]);
  });

  it('compares only the joints both place', () => {
    const partial = [joint(11, 10), absentJoint(), absentJoint()];
    expect(matchPredictions([pose(0)], [partial])).toEqual([0]);
    expect(matchPredictions([[absentJoint(), absentJoint(), joint(30, 30)]], [partial])).toEqual([null]);
  });
});
