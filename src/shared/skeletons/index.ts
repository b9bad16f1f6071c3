import { HAND21 } from './hand21';
import type { SkeletonLayout } from './types';

export type { SkeletonLayout } from './types';
export { HAND21 } from './hand21';
export { parents, jointIndex } from './util';

/** Every built-in layout, by id. Dataset layouts register here. */
export const SKELETONS: Readonly<Record<string, SkeletonLayout>> = {
  [HAND21.id]: HAND21,
};

export function getSkeleton(id: string): SkeletonLayout {
  const layout = SKELETONS[id];
  if (!layout) throw new Error(`unknown skeleton "${id}" (known: ${Object.keys(SKELETONS).join(', ')})`);
  return layout;
}
