import type { Joint } from '@shared/domain';
import { absentJoint } from '@shared/skeletons';
import type { DatasetFormat, PersonBox } from '../types';
import { type CocoLayout, imageJoint } from './coco';

/**
 * The shape every peer tool's labels are read into (DeepLabCut, SLEAP, Label Studio, CVAT, YOLO-pose): one person
 * instance on one image, its points in the file's own keypoint-name order. The node importers turn these into
 * samples through one shared runner (node/importers/instances.ts), so each format only parses.
 */
export interface ForeignPoint {
  x: number;
  y: number;
  visibility: 'visible' | 'occluded';
  /** A predicted point's confidence (SLEAP point score, DeepLabCut likelihood, COCO results `s`). */
  score?: number;
}

export interface ForeignInstance {
  /** Image path relative to the import root, '/'-separated. */
  image: string;
  /** One entry per keypoint name of the file; null = not labelled. Pixels, 0-based, origin at the top-left pixel. */
  points: (ForeignPoint | null)[];
  /** A predicted instance (machine labels): imported as a suggestion of its sample, never as a label. */
  predicted?: boolean;
  /** A predicted instance's own score (SLEAP instance score, Label Studio prediction score). */
  score?: number;
  box?: PersonBox;
  size?: { width: number; height: number };
  /** The label file, relative to the root, and where in it (`frames[3]`, line numbers) for error messages. */
  file: string;
  where?: string;
  line?: number;
  split?: 'train' | 'test';
  tags?: string[];
  /** Video frame index, for formats that label videos (SLEAP). */
  frame?: number;
}

/** The tool each peer format comes from, as provenance of its skeletons and predictions ("imported (SLEAP)"). */
export const TOOL_NAMES: Partial<Record<DatasetFormat, string>> = {
  dlc: 'DeepLabCut',
  sleap: 'SLEAP',
  labelstudio: 'Label Studio',
  cvat: 'CVAT',
  yolo: 'YOLO',
  coco: 'COCO',
};

/** An instance's points → joints in the layout's order (names the layout lacks cannot occur: the layout matched). */
export function instanceJoints(points: readonly (ForeignPoint | null)[], layout: CocoLayout): Joint[] {
  const joints = Array.from({ length: layout.layout.joints.length }, absentJoint);
  points.forEach((point, k) => {
    if (point) joints[layout.jointOf[k]!] = imageJoint(point.x, point.y, point.visibility);
  });
  return joints;
}

/** A predicted instance's per-point scores in the layout's order (null where the file gives none). */
export function instanceScores(
  points: readonly (ForeignPoint | null)[],
  layout: CocoLayout,
): (number | null)[] {
  const scores: (number | null)[] = layout.layout.joints.map(() => null);
  points.forEach((point, k) => {
    if (point?.score !== undefined && Number.isFinite(point.score)) scores[layout.jointOf[k]!] = point.score;
  });
  return scores;
}

/** A point from a file's numbers: NaN (or missing) coordinates = not labelled. */
export function foreignPoint(
  x: number | undefined,
  y: number | undefined,
  visibility: ForeignPoint['visibility'] = 'visible',
): ForeignPoint | null {
  if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  return { x, y, visibility };
}

/**
 * Which labelled instance of the same image each predicted instance is a prediction of: pairs are taken greedily
 * by the mean distance between the joints both place, nearest first, one to one, and only while that distance is
 * under half the diagonal of the larger of the two joints' boxes (a farther prediction is of another animal or
 * person).
 * Returns, per prediction, the index of its labelled instance or null.
 */
export function matchPredictions(
  labelled: readonly (readonly Joint[])[],
  predicted: readonly (readonly Joint[])[],
): (number | null)[] {
  const pairs: { l: number; p: number; distance: number }[] = [];
  labelled.forEach((label, l) => {
    predicted.forEach((prediction, p) => {
      const limit = 0.5 * Math.max(diagonal(label), diagonal(prediction));
      const distance = meanDistance(label, prediction);
      if (distance <= limit) pairs.push({ l, p, distance });
    });
  });
  pairs.sort((a, b) => a.distance - b.distance);
  const result: (number | null)[] = predicted.map(() => null);
  const taken = new Set<number>();
  for (const { l, p } of pairs) {
    if (taken.has(l) || result[p] !== null) continue;
    taken.add(l);
    result[p] = l;
  }
  return result;
}

function placed(joint: Joint | undefined): joint is Joint & { u: number; v: number } {
  return !!joint && joint.visibility !== 'absent' && joint.u !== null && joint.v !== null;
}

function meanDistance(a: readonly Joint[], b: readonly Joint[]): number {
  let sum = 0;
  let count = 0;
  a.forEach((joint, j) => {
    const other = b[j];
    if (!placed(joint) || !placed(other)) return;
    sum += Math.hypot(joint.u - other.u, joint.v - other.v);
    count++;
  });
  return count === 0 ? Infinity : sum / count;
}

function diagonal(joints: readonly Joint[]): number {
  const points = joints.filter(placed);
  if (points.length === 0) return 0;
  const us = points.map((joint) => joint.u);
  const vs = points.map((joint) => joint.v);
  return Math.hypot(Math.max(...us) - Math.min(...us), Math.max(...vs) - Math.min(...vs));
}
