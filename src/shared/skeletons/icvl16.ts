import type { SkeletonLayout } from './types';

const FINGERS = ['thumb', 'index', 'middle', 'ring', 'pinky'] as const;
const PARTS = ['root', 'mid', 'tip'] as const;

/**
 * ICVL (16 joints). Order = label-file order = model output order; do not change it:
 * palm, then root, mid, tip of thumb, index, middle, ring, pinky (formats.md §4.5, PROVENANCE §1).
 * Canonical mapping: root → MCP slot, mid → PIP slot, tip → TIP; ICVL has no DIP and no wrist (its "palm" is the
 * palm centre, ~4 cm from the wrist), so those canonical joints stay absent.
 */
export const ICVL16: SkeletonLayout = {
  id: 'icvl16',
  name: 'ICVL hand (16 joints)',
  kind: 'hand',
  joints: ['palm', ...FINGERS.flatMap((finger) => PARTS.map((part) => `${finger}_${part}`))],
  edges: FINGERS.flatMap((_, f) => {
    const root = 1 + 3 * f;
    return [[0, root] as const, [root, root + 1] as const, [root + 1, root + 2] as const];
  }),
  toCanonical: [null, ...FINGERS.flatMap((_, f) => [1 + 3 * f, 2 + 3 * f, null, 3 + 3 * f])],
};
