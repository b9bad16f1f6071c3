import type { SkeletonLayout } from './types';

/** Parent index of every joint (-1 for the root), derived from the edge list. */
export function parents(layout: SkeletonLayout): number[] {
  const result = new Array<number>(layout.joints.length).fill(-1);
  for (const [parent, child] of layout.edges) result[child] = parent;
  return result;
}

export function jointIndex(layout: SkeletonLayout, name: string): number {
  const index = layout.joints.indexOf(name);
  if (index < 0)
    throw new Error(`skeleton ${layout.id} has no joint "${name}" (joints: ${layout.joints.join(', ')})`);
  return index;
}
