import type { Joint } from '@shared/domain';
import { absentJoint } from '@shared/skeletons';
import type { PersonBox } from '../types';
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
}

export interface ForeignInstance {
  /** Image path relative to the import root, '/'-separated. */
  image: string;
  /** One entry per keypoint name of the file; null = not labelled. Pixels, 0-based, origin at the top-left pixel. */
  points: (ForeignPoint | null)[];
  /** A predicted instance (machine labels): counted, never imported as a label. */
  predicted?: boolean;
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

/** An instance's points → joints in the layout's order (names the layout lacks cannot occur: the layout matched). */
export function instanceJoints(points: readonly (ForeignPoint | null)[], layout: CocoLayout): Joint[] {
  const joints = Array.from({ length: layout.layout.joints.length }, absentJoint);
  points.forEach((point, k) => {
    if (point) joints[layout.jointOf[k]!] = imageJoint(point.x, point.y, point.visibility);
  });
  return joints;
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
