import { xyzToUvd } from '@shared/camera';
import type { Intrinsics } from '@shared/domain';
import type { UvdLabel } from './icvl';
import { LineProblem, parseNumbers, problem, tokens } from './labels';

export const BIGHAND_JOINTS = 21;

/**
 * One line of `Training_Annotation.txt`: `image_D%08d.png` then 21 × (x, y, z) mm, camera frame with y down
 * (formats.md §4.8). Fields are tab-separated with stray spaces, so any whitespace splits. Returns projected uvd.
 */
export function parseBigHandLine(
  line: string,
  lineNumber: number,
  camera: Intrinsics,
): UvdLabel | LineProblem {
  const fields = tokens(line);
  const imagePath = fields[0];
  if (imagePath === undefined || !/\.png$/i.test(imagePath)) {
    return problem('malformed-line', 'expected "<image.png> x y z …" but the first field is not a .png name');
  }
  const xyz = parseNumbers(fields, 1, 3 * BIGHAND_JOINTS);
  if (xyz instanceof LineProblem) return xyz;
  for (let j = 2; j < xyz.length; j += 3) {
    if (xyz[j]! <= 0)
      return problem('out-of-range', `joint ${(j - 2) / 3} has z = ${xyz[j]} mm (behind the camera)`);
  }
  return { imagePath, line: lineNumber, uvd: xyzToUvd(camera, xyz) };
}
