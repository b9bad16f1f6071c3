import { LineProblem, parseNumbers, problem, tokens } from './labels';

/** ICVL depth PNGs mark "no reading" with 32001; `decodeDepthPng` maps it to 0. */
export const ICVL_INVALID_DEPTH = 32001;
export const ICVL_JOINTS = 16;

export interface UvdLabel {
  /** Image path as written in the label file (relative to the `Depth/` folder). */
  imagePath: string;
  line: number;
  /** Flat (u px, v px, d mm) per joint. */
  uvd: Float64Array;
}

/**
 * One line of an ICVL-style label file: `<relative/path.png> u1 v1 d1 … uJ vJ dJ` (formats.md §4.5). The joint count
 * is a parameter because PoseLoop's synthetic datasets write the same layout with 21 joints.
 */
export function parseIcvlLine(
  line: string,
  lineNumber: number,
  jointCount = ICVL_JOINTS,
): UvdLabel | LineProblem {
  const fields = tokens(line);
  const imagePath = fields[0];
  if (imagePath === undefined || !/\.png$/i.test(imagePath)) {
    return problem('malformed-line', 'expected "<path.png> u v d …" but the first field is not a .png path');
  }
  const uvd = parseNumbers(fields, 1, 3 * jointCount);
  return uvd instanceof LineProblem ? uvd : { imagePath, line: lineNumber, uvd };
}

/**
 * ICVL ships in-plane-rotated copies of each training frame; originals sit under a capture-timestamp folder whose
 * name is longer than 6 characters (DeepPrior++ `subSeq` filter).
 */
export function isIcvlOriginal(imagePath: string): boolean {
  return (imagePath.split('/')[0] ?? '').length > 6;
}

/** The writer side: same layout, numbers as written by JS (shortest round-trip form). */
export function formatIcvlLine(imagePath: string, uvd: ArrayLike<number>): string {
  return [imagePath, ...Array.from(uvd, (value) => String(value))].join(' ');
}
