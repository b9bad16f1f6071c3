import type { Joint } from '@shared/domain';
import { absentJoint } from '@shared/skeletons';
import { imageJoint } from './coco';
import { type Inflate, type MatArray, matIndex, readMatNumericArrays } from './mat5';

/**
 * LSP and LSP-extended `joints.mat` (formats.md §4.10, vl4pose §7.1–7.2). Two layouts of one 14-joint skeleton:
 * - LSP: 3 × 14 × N [coordinate, joint, frame]; the flag is inverted: 0 = visible, 1 = occluded (with a position);
 * - LSPET: 14 × 3 × N [joint, coordinate, frame]; 1 = visible, 0 = not labelled (junk coordinates such as
 *   (0, −26.1)), so flag-0 joints are absent.
 * Coordinates are MATLAB 1-based pixels: we subtract 1 (0-based, u = column, v = row); a writer adds it back.
 */

export const LSP_JOINTS = 14;

/** LSP's leg and arm chains, right limb first and outward-in, then left inward-out; MPII lists its limbs alike. */
export const LSP_LEG_JOINTS = ['r_ankle', 'r_knee', 'r_hip', 'l_hip', 'l_knee', 'l_ankle'] as const;
export const LSP_ARM_JOINTS = [
  'r_wrist',
  'r_elbow',
  'r_shoulder',
  'l_shoulder',
  'l_elbow',
  'l_wrist',
] as const;

/** The file's joint order. */
export const LSP_NATIVE_JOINTS = [...LSP_LEG_JOINTS, ...LSP_ARM_JOINTS, 'neck', 'head_top'] as const;

/** Native joint j goes to LSP14 (internal order) index LSP_TO_INTERNAL[j]; exporters invert it. */
export const LSP_TO_INTERNAL = [13, 12, 11, 8, 9, 10, 7, 6, 5, 2, 3, 4, 1, 0] as const;

export type LspVariant = 'lsp' | 'lspet';

export interface LspTable {
  variant: LspVariant;
  /** Per frame, 14 joints in LSP14 order; frame i ↔ `lspImageName(variant, i)`. */
  frames: Joint[][];
}

/** Reads variable `joints`; the variant follows from its shape. Throws when the file holds neither layout. */
export function parseLspJointMat(bytes: Uint8Array, inflate: Inflate): LspTable {
  const arrays = readMatNumericArrays(bytes, inflate);
  const joints = arrays.get('joints');
  if (!joints) throw new Error(`no joints array (found: ${[...arrays.keys()].join(', ') || 'none'})`);
  // MATLAB drops a trailing singleton dimension: a one-frame table is 3 × 14 or 14 × 3.
  const [first, second, frameCount = 1] = joints.dims;
  const variant =
    first === 3 && second === LSP_JOINTS ? 'lsp' : first === LSP_JOINTS && second === 3 ? 'lspet' : null;
  if (variant === null || joints.dims.length > 3)
    throw new Error(`joints is ${joints.dims.join(' × ')}, expected 3 × 14 × N (LSP) or 14 × 3 × N (LSPET)`);
  return {
    variant,
    frames: Array.from({ length: frameCount }, (_, frame) => frameJoints(joints, variant, frame)),
  };
}

function frameJoints(joints: MatArray, variant: LspVariant, frame: number): Joint[] {
  const at = (joint: number, coordinate: number): number =>
    joints.data[
      matIndex(joints.dims, variant === 'lsp' ? [coordinate, joint, frame] : [joint, coordinate, frame])
    ]!;
  const result = Array.from({ length: LSP_JOINTS }, absentJoint);
  LSP_TO_INTERNAL.forEach((internal, native) => {
    const [u, v, flag] = [at(native, 0) - 1, at(native, 1) - 1, at(native, 2)];
    if (variant === 'lsp') result[internal] = imageJoint(u, v, flag === 0 ? 'visible' : 'occluded');
    else if (flag !== 0) result[internal] = imageJoint(u, v, 'visible');
  });
  return result;
}

/** `im0001.jpg` (LSP) or `im00001.jpg` (LSPET) for 0-based frame `frame`. */
export function lspImageName(variant: LspVariant, frame: number): string {
  return `im${String(frame + 1).padStart(variant === 'lsp' ? 4 : 5, '0')}.jpg`;
}

/** LSP: the first half (1000 of 2000) trains and the rest tests, as in the reference code; LSPET only trains. */
export function lspSplit(variant: LspVariant, frame: number, frameCount: number): 'train' | 'test' {
  return variant === 'lsp' && frame >= frameCount / 2 ? 'test' : 'train';
}
