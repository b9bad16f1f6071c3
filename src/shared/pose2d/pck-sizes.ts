import type { SkeletonLayout } from '../skeletons';
import { headSegmentSizes, torsoSizes } from './metrics';

/** Which per-sample size a layout's PCK is normalised by. */
export type PckSizeRule = 'head' | 'torso' | 'box';

/**
 * A person's head segment is about 0.15–0.2 of their pose box diagonal; layouts without head or torso joints (custom
 * skeletons: animals, objects) use 0.2 × that diagonal as the head-size stand-in, so PCK@0.5 means within 0.1 × the
 * diagonal.
 */
export const BOX_DIAGONAL_SIZE_FACTOR = 0.2;

const has = (layout: SkeletonLayout, ...names: string[]) => names.every((n) => layout.joints.includes(n));

export function pckSizeRule(layout: SkeletonLayout): PckSizeRule {
  if (has(layout, 'head_top', 'neck')) return 'head';
  if (has(layout, 'l_shoulder', 'r_shoulder', 'l_hip', 'r_hip')) return 'torso';
  return 'box';
}

/**
 * The PCK normaliser of each sample (at least 1 px): the head segment ‖head_top − neck‖ (PCKh), else the LSP torso,
 * else 0.2 × the diagonal of the box around the sample's visible joints. `groundTruth` is N×J×2, `visibility` N×J
 * (> 0 = labelled); a sample without two visible joints gets 1.
 */
export function pckSizes(
  groundTruth: ArrayLike<number>,
  visibility: ArrayLike<number>,
  layout: SkeletonLayout,
): Float64Array {
  const rule = pckSizeRule(layout);
  const sizes =
    rule === 'head'
      ? headSegmentSizes(groundTruth, layout)
      : rule === 'torso'
        ? torsoSizes(groundTruth, layout)
        : boxDiagonals(groundTruth, visibility, layout.joints.length).map(
            (d) => d * BOX_DIAGONAL_SIZE_FACTOR,
          );
  return sizes.map((s) => Math.max(s, 1));
}

function boxDiagonals(groundTruth: ArrayLike<number>, visibility: ArrayLike<number>, jointCount: number) {
  return Float64Array.from({ length: visibility.length / jointCount }, (_, i) => {
    let [minA, minB, maxA, maxB] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let j = 0; j < jointCount; j++) {
      const k = i * jointCount + j;
      if (!(visibility[k]! > 0)) continue;
      const [a, b] = [groundTruth[2 * k]!, groundTruth[2 * k + 1]!];
      [minA, minB, maxA, maxB] = [Math.min(minA, a), Math.min(minB, b), Math.max(maxA, a), Math.max(maxB, b)];
    }
    return maxA > minA || maxB > minB ? Math.hypot(maxA - minA, maxB - minB) : 0;
  });
}
