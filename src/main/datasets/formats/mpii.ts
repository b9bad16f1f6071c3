import type { Joint } from '@shared/domain';
import { absentJoint } from '@shared/skeletons';
import { z } from 'zod';
import type { PersonBox } from '../types';
import { boxAroundJoints, imageJoint, parseRecord } from './coco';
import { LineProblem, problem } from './labels';
import { LSP_ARM_JOINTS, LSP_LEG_JOINTS } from './lsp';

/**
 * MPII Human Pose in the HRNet / mmpose JSON form (formats.md §4.9, PROVENANCE §7): a list of people
 * `{image, center: [x, y], scale, joints: 16 × [x, y], joints_vis: 16 × 0|1}` in MPII's joint-id order. The
 * original `.mat` is a MATLAB struct, which we do not read.
 * - Coordinates (joints and center) are MATLAB 1-based: we subtract 1, as HRNet's loader does; a writer adds it.
 * - (−1, −1) marks an unlabelled joint → absent. A joint with a position but vis 0 → occluded. HRNet's
 *   `joints_vis` conflates "labelled" with "visible" (its files pair vis 0 with (−1, −1)), so occlusion only
 *   survives in files that kept MPII's `is_visible`.
 * - The head top is kept as labelled; the reference code's pull toward the neck (0.8·head + 0.2·neck, vl4pose
 *   §7.3) is a training choice, not a label, so it is not applied.
 * - The person box is that of the labelled joints (boxAroundJoints), as the reference code does; center/scale is
 *   HRNet's loose square crop, used only for people without joints (HRNet's test.json): side 200·scale.
 */

export const MPII_JOINTS = 16;

/** MPII joint ids 0–15: legs 0–5, trunk and head 6–9, arms 10–15. */
export const MPII_NATIVE_JOINTS = [
  ...LSP_LEG_JOINTS,
  'pelvis',
  'thorax',
  'upper_neck',
  'head_top',
  ...LSP_ARM_JOINTS,
] as const;

/** MPII id j goes to MPII16 (internal order) index MPII_TO_INTERNAL[j]; exporters invert it. */
export const MPII_TO_INTERNAL = [13, 12, 11, 8, 9, 10, 14, 15, 1, 0, 7, 6, 5, 2, 3, 4] as const;

/** HRNet's person scale is the person's height / 200 px. */
const SCALE_PX = 200;

const Point = z.tuple([z.number(), z.number()]);

const MpiiPerson = z.object({
  image: z.string().min(1),
  center: Point.optional(),
  scale: z.number().positive().optional(),
  joints: z.array(Point).optional(),
  joints_vis: z.array(z.number()).optional(),
});

export interface MpiiPerson {
  image: string;
  /** MPII16 order, 0-based pixels; null for a person without joints. */
  joints: Joint[] | null;
  box?: PersonBox;
}

/** A JSON value in this format: a list whose first entry names an image and has joints or a center. */
export function isMpiiPersonList(value: unknown): value is unknown[] {
  if (!Array.isArray(value)) return false;
  const first: unknown = value[0];
  if (typeof first !== 'object' || first === null) return false;
  const entry = first as Record<string, unknown>;
  return typeof entry['image'] === 'string' && ('joints' in entry || 'center' in entry);
}

export function parseMpiiPerson(value: unknown): MpiiPerson | LineProblem {
  const person = parseRecord(MpiiPerson, value);
  if (person instanceof LineProblem) return person;
  const { image, joints, joints_vis: vis, center, scale } = person;
  if (joints === undefined) {
    if (center === undefined || scale === undefined) return { image, joints: null };
    const side = SCALE_PX * scale;
    return { image, joints: null, box: [center[0] - 1 - side / 2, center[1] - 1 - side / 2, side, side] };
  }
  if (joints.length !== MPII_JOINTS)
    return problem('joint-count', `joints: ${joints.length} points, expected ${MPII_JOINTS}`);
  if (vis !== undefined && vis.length !== MPII_JOINTS)
    return problem('joint-count', `joints_vis: ${vis.length} flags, expected ${MPII_JOINTS}`);
  const internal = Array.from({ length: MPII_JOINTS }, absentJoint);
  joints.forEach(([x, y], id) => {
    if (x === -1 && y === -1) return;
    internal[MPII_TO_INTERNAL[id]!] = imageJoint(x - 1, y - 1, vis?.[id] === 0 ? 'occluded' : 'visible');
  });
  const box = boxAroundJoints(internal);
  return box ? { image, joints: internal, box } : { image, joints: internal };
}
