import type { SkeletonLayout } from './types';

/**
 * Human layouts (spec vl4pose §1). Joint order = the reference code's internal order, shared by every human
 * dataset, so heatmap channel j means the same joint in MPII, LSP and COCO projects: head top, neck, left arm,
 * right arm, left leg, right leg, then (MPII only) pelvis and thorax. Importers map each file's native order into
 * it (formats.md §4.9–§4.10); exporters map back. Edges are the VL4Pose trees in link order (= auxiliary output
 * order), rooted at the head. The canonical human for mapping is MPII16.
 */
const BODY14 = [
  'head_top',
  'neck',
  'l_shoulder',
  'l_elbow',
  'l_wrist',
  'r_shoulder',
  'r_elbow',
  'r_wrist',
  'l_hip',
  'l_knee',
  'l_ankle',
  'r_hip',
  'r_knee',
  'r_ankle',
] as const;

/** MPII (16 joints): 15 links, head → neck → thorax → pelvis → hips → legs; thorax → shoulders → arms (§1.2). */
export const MPII16: SkeletonLayout = {
  id: 'mpii16',
  name: 'MPII human (16 joints)',
  kind: 'human',
  joints: [...BODY14, 'pelvis', 'thorax'],
  edges: [
    [0, 1],
    [1, 15],
    [15, 14],
    [15, 2],
    [2, 3],
    [3, 4],
    [15, 5],
    [5, 6],
    [6, 7],
    [14, 8],
    [8, 9],
    [9, 10],
    [14, 11],
    [11, 12],
    [12, 13],
  ],
  toCanonical: Array.from({ length: 16 }, (_, i) => i),
};

/** LSP / LSP-extended (14 joints): no pelvis or thorax, so each hip hangs off its own shoulder (§1.3). */
export const LSP14: SkeletonLayout = {
  id: 'lsp14',
  name: 'LSP human (14 joints)',
  kind: 'human',
  joints: [...BODY14],
  edges: [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 4],
    [1, 5],
    [5, 6],
    [6, 7],
    [2, 8],
    [8, 9],
    [9, 10],
    [5, 11],
    [11, 12],
    [12, 13],
  ],
  toCanonical: [...Array.from({ length: 14 }, (_, i) => i), null, null],
};

/**
 * COCO keypoints (17, COCO's own order, formats.md §4.1). COCO's skeleton is a graph, not a tree; the VL4Pose tree
 * here is rooted at the nose with face, arms and (hip off the shoulder, as in LSP) legs. COCO has no head top, neck,
 * pelvis or thorax, so those canonical joints stay absent when mapping.
 */
export const COCO17: SkeletonLayout = {
  id: 'coco17',
  name: 'COCO human (17 keypoints)',
  kind: 'human',
  joints: [
    'nose',
    'l_eye',
    'r_eye',
    'l_ear',
    'r_ear',
    'l_shoulder',
    'r_shoulder',
    'l_elbow',
    'r_elbow',
    'l_wrist',
    'r_wrist',
    'l_hip',
    'r_hip',
    'l_knee',
    'r_knee',
    'l_ankle',
    'r_ankle',
  ],
  edges: [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 4],
    [0, 5],
    [0, 6],
    [5, 7],
    [6, 8],
    [7, 9],
    [8, 10],
    [5, 11],
    [6, 12],
    [11, 13],
    [12, 14],
    [13, 15],
    [14, 16],
  ],
  toCanonical: [null, null, 5, 7, 9, 6, 8, 10, 11, 13, 15, 12, 14, 16, null, null],
};

/**
 * The side a joint name spells and what is left without it: l_x / left_x / leftX / left-x / x_l / x_right … (any
 * case; a one-letter side needs a separator, so "lip" is no side). Null for names without a side.
 */
function sideOf(name: string): { side: 'l' | 'r'; key: string } | null {
  const prefix = /^(?:(left|right)[_\-.\s]*|(l|r)[_\-.\s]+)(.+)$/i.exec(name);
  if (prefix)
    return {
      side: (prefix[1] ?? prefix[2])![0]!.toLowerCase() as 'l' | 'r',
      key: `${prefix[3]!.toLowerCase()}<`,
    };
  const suffix = /^(.+?)(?:[_\-.\s]*(left|right)|[_\-.\s]+(l|r))$/i.exec(name);
  if (suffix)
    return {
      side: (suffix[2] ?? suffix[3])![0]!.toLowerCase() as 'l' | 'r',
      key: `>${suffix[1]!.toLowerCase()}`,
    };
  return null;
}

/**
 * Left/right joint pairs of a layout, by name (for flip augmentation and the L/R-swap label check): ours l_x/r_x and
 * the spellings of other tools' skeletons (left_ear/right_ear, leftEar/rightEar, ear_L/ear_R …).
 */
export function mirrorPairs(layout: SkeletonLayout): [number, number][] {
  const sides = layout.joints.map(sideOf);
  const pairs: [number, number][] = [];
  sides.forEach((left, j) => {
    if (left?.side !== 'l') return;
    const twin = sides.findIndex((right) => right?.side === 'r' && right.key === left.key);
    if (twin >= 0) pairs.push([j, twin]);
  });
  return pairs;
}
