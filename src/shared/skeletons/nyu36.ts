import type { SkeletonLayout } from './types';

/** NYU finger prefixes in file order: F1 = little, F2 = ring, F3 = middle, F4 = index, then the thumb. */
const NYU_FINGERS = ['F1', 'F2', 'F3', 'F4', 'TH'] as const;
/** Per finger, from the fingertip end (KNU3) to the base (KNU1). */
const KNUCKLES = ['KNU3_A', 'KNU3_B', 'KNU2_A', 'KNU2_B', 'KNU1_A', 'KNU1_B'] as const;
const PALM_CENTRE = 32; // PALM_3

const NYU36_JOINTS = [
  ...NYU_FINGERS.flatMap((finger) => KNUCKLES.map((knuckle) => `${finger}_${knuckle}`)),
  ...Array.from({ length: 6 }, (_, i) => `PALM_${i + 1}`),
];

/**
 * Finger chains tip → base, each base tied to the palm centre, and the other palm points tied to the palm centre.
 * Written undirected, then oriented away from joint 0 (a fingertip) because layouts are trees rooted at joint 0.
 */
const NYU36_LINKS: readonly (readonly [number, number])[] = [
  ...NYU_FINGERS.flatMap((_, f) => [
    ...Array.from({ length: 5 }, (_, k) => [6 * f + k, 6 * f + k + 1] as const),
    [6 * f + 5, PALM_CENTRE] as const,
  ]),
  ...[30, 31, 33, 34, 35].map((palm) => [palm, PALM_CENTRE] as const),
];

/** Orients an undirected tree as [parent, child] pairs by breadth-first search from joint 0. */
function rootAtFirstJoint(
  jointCount: number,
  links: readonly (readonly [number, number])[],
): [number, number][] {
  const neighbours = Array.from({ length: jointCount }, () => [] as number[]);
  for (const [a, b] of links) {
    neighbours[a]!.push(b);
    neighbours[b]!.push(a);
  }
  const edges: [number, number][] = [];
  const seen = new Set([0]);
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const parent = queue[head]!;
    for (const child of neighbours[parent]!) {
      if (seen.has(child)) continue;
      seen.add(child);
      edges.push([parent, child]);
      queue.push(child);
    }
  }
  return edges;
}

/** Native NYU index of canonical thumb..little MCP/PIP/DIP/TIP, per the public convention in spec §1.6. */
function nyuFingerToCanonical(nyuFinger: number): number[] {
  const base = 6 * nyuFinger;
  return [base + 4 /* KNU1_A */, base + 3 /* KNU2_B */, base + 1 /* KNU3_B */, base /* KNU3_A */];
}
const CANONICAL_FINGER_TO_NYU = [4, 3, 2, 1, 0]; // thumb, index (F4), middle (F3), ring (F2), little (F1)

/**
 * NYU hand (36 joints). Order = joint_data.mat order = model output order; do not change it (formats.md §4.6).
 * Canonical mapping follows a public third-party convention (tip = KNU3_A, DIP = KNU3_B, PIP = KNU2_B, MCP = KNU1_A);
 * NYU has no wrist point (PALM_1/PALM_2 are the two wrist sides, PALM_3 the palm centre), so the wrist stays absent.
 */
export const NYU36: SkeletonLayout = {
  id: 'nyu36',
  name: 'NYU hand (36 joints)',
  kind: 'hand',
  joints: NYU36_JOINTS,
  edges: rootAtFirstJoint(NYU36_JOINTS.length, NYU36_LINKS),
  toCanonical: [null, ...CANONICAL_FINGER_TO_NYU.flatMap(nyuFingerToCanonical)],
};

/** The Tompson 14-joint evaluation subset, as indices into NYU36 (formats.md §4.6, PROVENANCE §2). */
export const NYU14_FROM_NYU36: readonly number[] = [0, 3, 6, 9, 12, 15, 18, 21, 24, 25, 27, 30, 31, 32];

function subsetIndexOf(nyu36Index: number | null | undefined): number | null {
  if (nyu36Index === null || nyu36Index === undefined) return null;
  const index = NYU14_FROM_NYU36.indexOf(nyu36Index);
  return index < 0 ? null : index;
}

/**
 * NYU 14-joint evaluation layout (nyu_test_groundtruth_label.txt, nyu_keypointsUVD_test.mat). Order = file order:
 * per finger little..index a tip and a mid joint, three thumb joints, PALM_1, PALM_2, PALM_3.
 * Its canonical mapping is NYU36's restricted to the subset (tips, PIPs and the thumb DIP/PIP survive).
 */
export const NYU14: SkeletonLayout = {
  id: 'nyu14',
  name: 'NYU hand, 14-joint evaluation subset',
  kind: 'hand',
  joints: NYU14_FROM_NYU36.map((i) => NYU36_JOINTS[i]!),
  edges: rootAtFirstJoint(14, [
    [0, 1],
    [2, 3],
    [4, 5],
    [6, 7],
    [8, 9],
    [9, 10],
    [1, 13],
    [3, 13],
    [5, 13],
    [7, 13],
    [10, 13],
    [11, 13],
    [12, 13],
  ]),
  toCanonical: NYU36.toCanonical!.map(subsetIndexOf),
};
