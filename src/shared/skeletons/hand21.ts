import type { SkeletonLayout } from './types';

const FINGERS = ['thumb', 'index', 'middle', 'ring', 'little'] as const;
const PARTS = ['mcp', 'pip', 'dip', 'tip'] as const;

/**
 * The canonical 21-joint hand. Order = model output order; do not change it:
 * wrist; thumb MCP, PIP, DIP, TIP; then index, middle, ring and little, each MCP, PIP, DIP, TIP.
 * (For the thumb the anatomical names are CMC, MCP, IP, TIP; the slot names follow the common convention.)
 */
export const HAND21: SkeletonLayout = {
  id: 'hand21',
  name: 'Canonical hand (21 joints)',
  kind: 'hand',
  joints: ['wrist', ...FINGERS.flatMap((finger) => PARTS.map((part) => `${finger}_${part}`))],
  edges: FINGERS.flatMap((_, f) => {
    const base = 1 + 4 * f;
    return [
      [0, base] as const,
      [base, base + 1] as const,
      [base + 1, base + 2] as const,
      [base + 2, base + 3] as const,
    ];
  }),
  toCanonical: Array.from({ length: 21 }, (_, i) => i),
};
