import type { SkeletonLayout } from './types';

const FINGER_LETTERS = ['T', 'I', 'M', 'R', 'P'] as const;

/**
 * BigHand2.2M / HANDS2017 (21 joints). Order = Training_Annotation.txt order = model output order; do not change it:
 * Wrist, the five MCPs (thumb..pinky), then PIP, DIP, TIP of thumb, index, middle, ring, pinky (formats.md §4.8).
 */
export const BIGHAND21: SkeletonLayout = {
  id: 'bighand21',
  name: 'BigHand2.2M hand (21 joints)',
  kind: 'hand',
  joints: [
    'Wrist',
    ...FINGER_LETTERS.map((f) => `${f}MCP`),
    ...FINGER_LETTERS.flatMap((f) => [`${f}PIP`, `${f}DIP`, `${f}TIP`]),
  ],
  edges: FINGER_LETTERS.flatMap((_, f) => {
    const mcp = 1 + f;
    const pip = 6 + 3 * f;
    return [[0, mcp] as const, [mcp, pip] as const, [pip, pip + 1] as const, [pip + 1, pip + 2] as const];
  }),
  // Finger-major reorder used by the reference pipeline (spec §1.6): canonical k takes native toCanonical[k].
  toCanonical: [0, 1, 6, 7, 8, 2, 9, 10, 11, 3, 12, 13, 14, 4, 15, 16, 17, 5, 18, 19, 20],
};
