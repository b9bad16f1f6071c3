/** The annotator's joint edits (src/renderer/src/annotate/edits.ts) with exact numbers. */
import { describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import * as edits from '../../../src/renderer/src/annotate/edits';
import { boxAround, reviewedLinks } from '../../../src/renderer/src/lib/pose';

const joint = (
  u: number | null,
  v: number | null,
  d: number | null,
  state: Joint['state'] = 'predicted',
): Joint => ({
  u,
  v,
  d,
  visibility: u === null ? 'absent' : 'visible',
  state,
});

/** Three placed joints (predicted, accepted, created) and one absent. */
function pose(): Joint[] {
  return [
    joint(10, 20, 500),
    joint(30, 40, 510, 'accepted'),
    joint(50, 60, 520, 'created'),
    joint(null, null, null, 'created'),
  ];
}

/** A depth map that reads u + v mm, and nothing left of u = 5. */
const depthAt = (u: number, v: number) => (u < 5 ? null : u + v);

describe('joint edits', () => {
  it('never mutates the joints it is given', () => {
    const joints = pose();
    const before = structuredClone(joints);
    edits.moveJoint(joints, 0, 1, 2);
    edits.nudgeJoint(joints, 1, 1, 1);
    edits.acceptBelowTau(joints, () => 1, 2);
    edits.cycleVisibility(joints, 0, undefined);
    edits.snapDepth(joints, 0, depthAt);
    edits.movePose(joints, { du: 1, dv: 1, angle: 0, scale: 1 });
    edits.takeAllSuggestions(joints, [{ u: 0, v: 0 }, null, null, null]);
    expect(joints).toEqual(before);
  });

  it('moves a joint in the image: moved (created stays created), depth kept, absent becomes visible', () => {
    expect(edits.moveJoint(pose(), 0, 12.5, 21)![0]).toEqual({
      u: 12.5,
      v: 21,
      d: 500,
      visibility: 'visible',
      state: 'moved',
    });
    expect(edits.moveJoint(pose(), 2, 1, 2)![2]!.state).toBe('created');
    expect(edits.moveJoint(pose(), 3, 7, 8)![3]).toEqual({
      u: 7,
      v: 8,
      d: null,
      visibility: 'visible',
      state: 'created',
    });
    expect(edits.moveJoint(pose(), 9, 1, 1)).toBeNull();
  });

  it('moves a joint in 3D with the depth rounded to 0.1 mm', () => {
    expect(edits.moveJoint3d(pose(), 1, 31, 41, 512.345)![1]).toEqual({
      u: 31,
      v: 41,
      d: 512.3,
      visibility: 'visible',
      state: 'moved',
    });
  });

  it('places the selected joint and finds the next one still missing (wrapping)', () => {
    const placed = edits.placeJoint(pose(), 3, 70, 80, 530)!;
    expect(placed[3]).toEqual({ u: 70, v: 80, d: 530, visibility: 'visible', state: 'created' });
    expect(edits.nextMissing(placed, 3)).toBeNull();
    const gaps = [joint(null, null, null), joint(1, 1, 1), joint(null, null, null), joint(2, 2, 2)];
    expect(edits.nextMissing(gaps, 2)).toBe(0);
    expect(edits.nextMissing(gaps, 0)).toBe(2);
  });

  it('nudges a placed joint by pixels; an absent one stays put', () => {
    expect(edits.nudgeJoint(pose(), 1, -1, 0)![1]).toMatchObject({ u: 29, v: 40, state: 'moved' });
    expect(edits.nudgeJoint(pose(), 3, 1, 0)).toBeNull();
  });

  it('accepts only predicted joints', () => {
    expect(edits.acceptJoint(pose(), 0)![0]!.state).toBe('accepted');
    expect(edits.acceptJoint(pose(), 1)).toBeNull();
    expect(edits.acceptJoint(pose(), 2)).toBeNull();
  });

  it('accepts the placed predicted joints with σ strictly below τ, never those without a σ', () => {
    const joints = [
      joint(1, 1, 1),
      joint(2, 2, 2),
      joint(3, 3, 3),
      joint(4, 4, 4, 'moved'),
      joint(null, null, null, 'predicted'),
    ];
    const sigma = [1.5, 2, null, 0.1, 0.1];
    const { joints: out, accepted } = edits.acceptBelowTau(joints, (i) => sigma[i] ?? null, 2);
    expect(accepted).toEqual([0]);
    expect(out.map((j) => j.state)).toEqual(['accepted', 'predicted', 'predicted', 'moved', 'predicted']);
  });

  it('accepts the prediction as is: every placed predicted joint, whatever its σ; the others untouched', () => {
    const joints = [
      joint(1, 1, 1),
      joint(2, 2, 2, 'moved'),
      joint(3, 3, 3),
      joint(null, null, null, 'predicted'),
      joint(5, 5, 5, 'created'),
    ];
    const { joints: out, accepted } = edits.acceptPrediction(joints);
    expect(accepted).toEqual([0, 2]);
    expect(out.map((j) => j.state)).toEqual(['accepted', 'moved', 'accepted', 'predicted', 'created']);
    expect(out[0]).toEqual({ ...joints[0], state: 'accepted' });
    expect(joints[0]!.state).toBe('predicted');
  });

  it('walks the uncertainty order and finds the next undecided joint', () => {
    const order = [2, 0, 1];
    expect(edits.walkOrder(order, null, 1)).toBe(2);
    expect(edits.walkOrder(order, null, -1)).toBe(1);
    expect(edits.walkOrder(order, 1, 1)).toBe(2);
    expect(edits.walkOrder(order, 2, -1)).toBe(1);
    expect(edits.walkOrder([], 0, 1)).toBeNull();
    const joints = [joint(1, 1, 1), joint(2, 2, 2, 'accepted'), joint(null, null, null)];
    expect(edits.nextUndecided(joints, order)).toBe(0);
    expect(edits.nextUndecided([joints[1]!], [0])).toBeNull();
  });

  it('cycles visibility and brings an absent joint back where it was', () => {
    const occluded = edits.cycleVisibility(pose(), 0, undefined)!;
    expect(occluded.joints![0]).toMatchObject({ u: 10, v: 20, visibility: 'occluded' });
    expect(occluded.forget).toBeNull();
    const absent = edits.cycleVisibility(occluded.joints!, 0, undefined)!;
    expect(absent.joints![0]).toEqual({
      u: null,
      v: null,
      d: null,
      visibility: 'absent',
      state: 'predicted',
    });
    expect(absent.forget).toEqual({ u: 10, v: 20, d: 500, visibility: 'occluded', state: 'predicted' });
    const back = edits.cycleVisibility(absent.joints!, 0, absent.forget!)!;
    expect(back.joints![0]).toEqual({ u: 10, v: 20, d: 500, visibility: 'visible', state: 'predicted' });
    // Never placed: nothing to bring back, the annotator places it.
    expect(edits.cycleVisibility(pose(), 3, undefined)).toEqual({ joints: null, forget: null });
  });

  it('snaps the depth to the map, and says why when it cannot', () => {
    const snapped = edits.snapDepth(pose(), 1, depthAt);
    expect(snapped.joints![1]).toMatchObject({ d: 70, state: 'moved' });
    const left = [joint(2, 3, 400)];
    expect(edits.snapDepth(left, 0, depthAt)).toEqual({ joints: null, reason: 'no depth reading' });
    expect(edits.snapDepth(pose(), 3, depthAt)).toEqual({ joints: null, reason: 'not placed' });
  });

  it('nudges depth by mm from the joint, the map, or 0, never below 0', () => {
    expect(edits.nudgeDepth(pose(), 0, 5, depthAt)![0]).toMatchObject({ d: 505, state: 'moved' });
    expect(edits.nudgeDepth([joint(10, 20, null)], 0, -5, depthAt)![0]!.d).toBe(25);
    expect(edits.nudgeDepth([joint(2, 3, null)], 0, 5, depthAt)![0]!.d).toBe(5);
    expect(edits.nudgeDepth([joint(10, 20, 3)], 0, -5, depthAt)![0]!.d).toBe(0);
    expect(edits.nudgeDepth(pose(), 3, 5, depthAt)).toBeNull();
  });

  it('moves the whole pose around its centroid', () => {
    const base = [joint(0, 0, 1), joint(2, 0, 1, 'created'), joint(null, null, null)];
    const out = edits.movePose(base, { du: 10, dv: 5, angle: Math.PI / 2, scale: 2 })!;
    // Centroid (1, 0): (0, 0) is (−1, 0) from it → rotated (0, −1) → scaled (0, −2) → + centroid + shift.
    expect(out[0]!.u).toBeCloseTo(11, 12);
    expect(out[0]!.v).toBeCloseTo(3, 12);
    expect(out[1]!.u).toBeCloseTo(11, 12);
    expect(out[1]!.v).toBeCloseTo(7, 12);
    expect(out.map((j) => j.state)).toEqual(['moved', 'created', 'predicted']);
    expect(out[2]).toEqual(base[2]);
    expect(edits.movePose([joint(null, null, null)], { du: 1, dv: 1, angle: 0, scale: 1 })).toBeNull();
  });

  it('takes refinement suggestions as accepted joints', () => {
    const taken = edits.takeSuggestion(pose(), 3, { u: 5, v: 6 })!;
    expect(taken[3]).toEqual({ u: 5, v: 6, d: null, visibility: 'visible', state: 'accepted' });
    expect(edits.takeSuggestion(pose(), 0, null)).toBeNull();
    const all = edits.takeAllSuggestions(pose(), [{ u: 11, v: 21 }, null, { u: 49, v: 59 }]);
    expect(all.taken).toEqual([0, 2]);
    expect(all.joints.map((j) => [j.u, j.v, j.state])).toEqual([
      [11, 21, 'accepted'],
      [30, 40, 'accepted'],
      [49, 59, 'accepted'],
      [null, null, 'created'],
    ]);
  });

  it('draws a person box around the placed joints with a 15 % margin (at least 10 px), inside the image', () => {
    const [a, b, c] = [joint(100, 50, null), joint(200, 250, null), joint(null, null, null)];
    expect(boxAround([a, b, c], 640, 480)).toEqual([70, 20, 160, 260]);
    expect(boxAround([joint(5, 5, null), joint(25, 15, null)], 30, 30)).toEqual([0, 0, 30, 25]);
    expect(boxAround([a], 30, 30)).toBeNull();
  });
});

describe('least likely links follow the edits', () => {
  it('marks a link checked once neither end is still as predicted, unchecked links first', () => {
    const links = [
      { parent: 0, child: 1, loglik: -9 },
      { parent: 1, child: 2, loglik: -7 },
    ];
    const before = [joint(1, 1, 1), joint(2, 2, 2), joint(3, 3, 3)];
    expect(reviewedLinks(links, before).map((l) => l.checked)).toEqual([false, false]);
    const after = [joint(1, 1, 1, 'moved'), joint(2, 2, 2, 'accepted'), joint(3, 3, 3)];
    expect(reviewedLinks(links, after)).toEqual([
      { parent: 1, child: 2, loglik: -7, checked: false },
      { parent: 0, child: 1, loglik: -9, checked: true },
    ]);
  });
});
