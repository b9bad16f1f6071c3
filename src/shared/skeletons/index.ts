import { BIGHAND21 } from './bighand21';
import { HAND21 } from './hand21';
import { COCO17, LSP14, MPII16 } from './human';
import { ICVL16 } from './icvl16';
import { MSRA21 } from './msra21';
import { NYU14, NYU36 } from './nyu36';
import type { SkeletonLayout } from './types';

export type { SkeletonLayout } from './types';
export { HAND21 } from './hand21';
export { ICVL16 } from './icvl16';
export { NYU36, NYU14, NYU14_FROM_NYU36 } from './nyu36';
export { MSRA21 } from './msra21';
export { BIGHAND21 } from './bighand21';
export { MPII16, LSP14, COCO17, mirrorPairs } from './human';
export { parents, jointIndex } from './util';
export { mapJoints, jointIndexMap, absentJoint } from './map';
export { customSkeleton, mapJointsByName, skeletonLinks, type SkeletonSource } from './custom';

/** Every built-in layout, by id. Dataset layouts register here. */
export const SKELETONS: Readonly<Record<string, SkeletonLayout>> = Object.fromEntries(
  [HAND21, ICVL16, NYU36, NYU14, MSRA21, BIGHAND21, MPII16, LSP14, COCO17].map((layout) => [
    layout.id,
    layout,
  ]),
);

export function getSkeleton(id: string): SkeletonLayout {
  const layout = SKELETONS[id];
  if (!layout) throw new Error(`unknown skeleton "${id}" (known: ${Object.keys(SKELETONS).join(', ')})`);
  return layout;
}
