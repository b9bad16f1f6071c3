import { z } from 'zod';

/** Split of a sample: `train` = in the labelled set, `pool` = unlabelled candidates, `test` = held out. */
export const Split = z.enum(['train', 'pool', 'test']);
export type Split = z.infer<typeof Split>;

export const Modality = z.enum(['depth', 'rgb']);
export type Modality = z.infer<typeof Modality>;

/** Three-state visibility, exported as COCO v = 0 / 1 / 2. */
export const Visibility = z.enum(['absent', 'occluded', 'visible']);
export type Visibility = z.infer<typeof Visibility>;

/** Where a joint's current position came from (SLEAP-style provenance, per joint). */
export const JointState = z.enum(['predicted', 'accepted', 'moved', 'created']);
export type JointState = z.infer<typeof JointState>;

/**
 * One joint in image space: u, v in pixels of the source image, d in millimetres (depth modality; null for RGB).
 * An absent joint has null coordinates: joints a dataset does not have are never invented.
 */
export const Joint = z.object({
  u: z.number().finite().nullable(),
  v: z.number().finite().nullable(),
  d: z.number().finite().nullable(),
  visibility: Visibility,
  state: JointState,
});
export type Joint = z.infer<typeof Joint>;

export const Intrinsics = z.object({
  fx: z.number().positive(),
  fy: z.number().positive(),
  cx: z.number(),
  cy: z.number(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type Intrinsics = z.infer<typeof Intrinsics>;

export const SampleCounts = z.object({
  total: z.number().int(),
  labelled: z.number().int(),
  unlabelled: z.number().int(),
  test: z.number().int(),
});
export type SampleCounts = z.infer<typeof SampleCounts>;
