import type { Joint } from '../domain';
import type { SkeletonLayout } from './types';

/**
 * For every joint of `to`, the index of the same joint in `from`, or null when `from` has no such joint. Both layouts
 * go through their kind's canonical layout (the 21-joint hand, or MPII16 for humans), so any two layouts of a kind map (native → canonical, canonical →
 * native, native → native). Joints that either side lacks are null: never invented.
 */
export function jointIndexMap(from: SkeletonLayout, to: SkeletonLayout): (number | null)[] {
  if (from.kind !== to.kind)
    throw new Error(`cannot map a ${from.kind} skeleton (${from.id}) to a ${to.kind} one (${to.id})`);
  const fromCanonical = requireCanonical(from);
  const toCanonical = requireCanonical(to);
  const result = new Array<number | null>(to.joints.length).fill(null);
  toCanonical.forEach((target, canonical) => {
    if (target !== null) result[target] = fromCanonical[canonical] ?? null;
  });
  return result;
}

/** Re-expresses `joints` (in `from` order) in `to` order; joints without a counterpart come back absent. */
export function mapJoints(joints: readonly Joint[], from: SkeletonLayout, to: SkeletonLayout): Joint[] {
  if (joints.length !== from.joints.length) {
    throw new Error(`expected ${from.joints.length} joints for skeleton ${from.id}, got ${joints.length}`);
  }
  return jointIndexMap(from, to).map((source) => (source === null ? absentJoint() : { ...joints[source]! }));
}

export function absentJoint(): Joint {
  return { u: null, v: null, d: null, visibility: 'absent', state: 'accepted' };
}

function requireCanonical(layout: SkeletonLayout): readonly (number | null)[] {
  if (!layout.toCanonical) throw new Error(`skeleton ${layout.id} has no mapping to its canonical layout`);
  return layout.toCanonical;
}
