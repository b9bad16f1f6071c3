import type { SkeletonLayout } from './types';

const FINGERS = ['index', 'middle', 'ring', 'little', 'thumb'] as const;
const PARTS = ['mcp', 'pip', 'dip', 'tip'] as const;

/**
 * MSRA14 / MSRA15 (21 joints). Order = joint.txt order = model output order; do not change it:
 * wrist; index, middle, ring, little, thumb — each MCP, PIP, DIP, TIP (dataset README). The thumb comes LAST.
 */
export const MSRA21: SkeletonLayout = {
  id: 'msra21',
  name: 'MSRA hand (21 joints)',
  kind: 'hand',
  joints: ['wrist', ...FINGERS.flatMap((finger) => PARTS.map((part) => `${finger}_${part}`))],
  edges: FINGERS.flatMap((_, f) => {
    const mcp = 1 + 4 * f;
    return [
      [0, mcp] as const,
      [mcp, mcp + 1] as const,
      [mcp + 1, mcp + 2] as const,
      [mcp + 2, mcp + 3] as const,
    ];
  }),
  // Canonical order is thumb, index, middle, ring, little: thumb sits at native 17..20, the others shift by one.
  toCanonical: [0, 17, 18, 19, 20, ...Array.from({ length: 16 }, (_, i) => 1 + i)],
};
