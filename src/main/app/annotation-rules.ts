import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';

/** How far outside the image a joint may lie, as a fraction of the image's size (hands and limbs leave the frame). */
export const IMAGE_MARGIN = 0.5;
/** Depths a 16-bit depth map can hold, in millimetres. */
export const DEPTH_RANGE_MM = [0, 65_535] as const;
/** One save never reports more than a day of work. */
export const MAX_SECONDS_PER_SAVE = 86_400;

/**
 * Checks a save against the sample it is for, before anything is stored (issue 15: a 5,000-joint save on a 21-joint
 * sample broke every later round). Throws `invalid_input` naming the first bad field, e.g. `joints.3.u`.
 */
export function checkAnnotation(
  sample: { width: number; height: number },
  jointCount: number,
  joints: readonly Joint[],
  secondsSpent: number,
): void {
  const bad = (field: string, message: string): never => {
    throw new AppError('invalid_input', `annotation.save: ${field}: ${message}`, field);
  };
  if (joints.length !== jointCount)
    bad('joints', `this sample's skeleton has ${jointCount} joints, the save has ${joints.length}`);
  if (!Number.isFinite(secondsSpent) || secondsSpent < 0 || secondsSpent > MAX_SECONDS_PER_SAVE)
    bad('secondsSpent', `must be between 0 and ${MAX_SECONDS_PER_SAVE} seconds`);
  const limits = { u: sample.width, v: sample.height } as const;
  joints.forEach((joint, i) => {
    for (const axis of ['u', 'v'] as const) {
      const value = joint[axis];
      const size = limits[axis];
      if (value !== null && (value < -IMAGE_MARGIN * size || value > (1 + IMAGE_MARGIN) * size))
        bad(
          `joints.${i}.${axis}`,
          `${value} px is far outside the ${sample.width}×${sample.height} image ` +
            `(allowed ${-IMAGE_MARGIN * size}..${(1 + IMAGE_MARGIN) * size})`,
        );
    }
    if ((joint.u === null) !== (joint.v === null))
      bad(`joints.${i}`, 'u and v must both be set or both be null');
    if (joint.d !== null) {
      if (joint.d < DEPTH_RANGE_MM[0] || joint.d > DEPTH_RANGE_MM[1])
        bad(
          `joints.${i}.d`,
          `${joint.d} mm is outside the depth range ${DEPTH_RANGE_MM[0]}..${DEPTH_RANGE_MM[1]} mm`,
        );
    }
  });
}
