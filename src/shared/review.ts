import type { Joint } from './domain';

/**
 * Whether joints the annotator never reviewed (state `predicted`: the model's guess, neither accepted, moved nor
 * created) count as labels. `include`: they do; `exclude`: they are treated as unlabelled (absent, COCO v = 0),
 * so a sample saved without looking at it does not teach the model its own guess.
 */
export type Unreviewed = 'include' | 'exclude';

/** A placed joint still in the `predicted` state: nobody has looked at it. */
export const isUnreviewed = (j: Joint): boolean =>
  j.state === 'predicted' && j.visibility !== 'absent' && j.u !== null && j.v !== null;

export const countUnreviewed = (joints: readonly Joint[]): number => joints.filter(isUnreviewed).length;

/** The joints as a consumer that `exclude`s unreviewed ones sees them: each such joint absent, its state kept. */
export function applyUnreviewed(joints: readonly Joint[], unreviewed: Unreviewed): Joint[] {
  if (unreviewed === 'include') return joints.map((j) => ({ ...j }));
  return joints.map((j) =>
    isUnreviewed(j) ? { u: null, v: null, d: null, visibility: 'absent', state: j.state } : { ...j },
  );
}
