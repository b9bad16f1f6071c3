import { xyzToUvd } from '@shared/camera';
import type { Intrinsics } from '@shared/domain';
import type { DepthImage } from '../types';
import { LineProblem, parseNumbers, problem, tokens } from './labels';

export const MSRA_JOINTS = 21;
/** Six little-endian int32: width, height, left, top, right, bottom. */
export const MSRA_BIN_HEADER_BYTES = 24;

export interface MsraFrameLabel {
  /** 0-based frame index inside the gesture folder ↔ `%06d_depth.bin`. */
  frame: number;
  line: number;
  uvd: Float64Array;
}

export function msraDepthFileName(frame: number): string {
  return `${String(frame).padStart(6, '0')}_depth.bin`;
}

/**
 * One MSRA `joint.txt` data line: 21 × (x, y, z) mm with y UP and z NEGATIVE (formats.md §4.7). Converted to the
 * shared camera convention (y down, z forward) by negating y and z, then projected.
 */
export function parseMsraJointLine(line: string, camera: Intrinsics): Float64Array | LineProblem {
  const xyz = parseNumbers(tokens(line), 0, 3 * MSRA_JOINTS);
  if (xyz instanceof LineProblem) return xyz;
  for (let j = 0; j < xyz.length; j += 3) {
    xyz[j + 1] = -xyz[j + 1]!;
    xyz[j + 2] = -xyz[j + 2]!;
    if (xyz[j + 2]! <= 0)
      return problem('out-of-range', `joint ${j / 3} has z = ${-xyz[j + 2]!} mm (expected < 0)`);
  }
  return xyzToUvd(camera, xyz);
}

/** A whole `joint.txt`: first line N, then N label lines; a count mismatch is reported on line 1. */
export function parseMsraJointFile(
  text: string,
  camera: Intrinsics,
): {
  declaredCount: number | null;
  labels: MsraFrameLabel[];
  problems: { line: number; problem: LineProblem }[];
} {
  const lines = text.split('\n');
  const declared = Number((lines[0] ?? '').trim());
  const declaredCount = Number.isInteger(declared) && declared >= 0 ? declared : null;
  const labels: MsraFrameLabel[] = [];
  const problems: { line: number; problem: LineProblem }[] = [];
  if (declaredCount === null)
    problems.push({ line: 1, problem: problem('malformed-line', 'line 1 is not a frame count') });
  let frame = 0;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const uvd = parseMsraJointLine(lines[i]!, camera);
    if (uvd instanceof LineProblem) problems.push({ line: i + 1, problem: uvd });
    else labels.push({ frame, line: i + 1, uvd });
    frame++;
  }
  if (declaredCount !== null && declaredCount !== frame) {
    problems.push({
      line: 1,
      problem: problem('joint-count', `declares ${declaredCount} frames but has ${frame}`),
    });
  }
  return { declaredCount, labels, problems };
}

/** Image size from the first 8 bytes of a `.bin`, or an error message. */
export function readMsraBinSize(header: Uint8Array): { width: number; height: number } | string {
  if (header.length < MSRA_BIN_HEADER_BYTES) return 'MSRA .bin shorter than its 24-byte header';
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const width = view.getInt32(0, true);
  const height = view.getInt32(4, true);
  return width > 0 && height > 0 && width <= 4096 && height <= 4096
    ? { width, height }
    : 'implausible MSRA .bin size';
}

/** `%06d_depth.bin`: float32 mm inside [left, right) × [top, bottom), pasted into a zero image, rounded to mm. */
export function decodeMsraBin(bytes: Uint8Array): DepthImage {
  const size = readMsraBinSize(bytes);
  if (typeof size === 'string') throw new Error(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [left, top, right, bottom] = [8, 12, 16, 20].map((offset) => view.getInt32(offset, true)) as [
    number,
    number,
    number,
    number,
  ];
  const { width, height } = size;
  if (left < 0 || top < 0 || right > width || bottom > height || right < left || bottom < top) {
    throw new Error(
      `MSRA .bin box [${left}, ${right}) × [${top}, ${bottom}) is outside the ${width}×${height} image`,
    );
  }
  const boxWidth = right - left;
  const expected = MSRA_BIN_HEADER_BYTES + 4 * boxWidth * (bottom - top);
  if (bytes.byteLength < expected)
    throw new Error(`MSRA .bin truncated: ${bytes.byteLength} of ${expected} bytes`);
  const depth = new Uint16Array(width * height);
  for (let row = top; row < bottom; row++) {
    for (let col = left; col < right; col++) {
      const offset = MSRA_BIN_HEADER_BYTES + 4 * ((row - top) * boxWidth + (col - left));
      const mm = view.getFloat32(offset, true);
      depth[row * width + col] = mm > 0 && mm < 65535 ? Math.round(mm) : 0;
    }
  }
  return { width, height, depth };
}

/** Known faulty MSRA15 frames (DeepPrior++ docstring), keyed `P<subject>/<gesture>`; flagged, not dropped. */
export const MSRA15_FAULTY_FRAMES: Readonly<Record<string, readonly number[]>> = {
  'P2/TIP': [172, 173, 174],
  'P2/MP': [173, 174, 175, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 356, 359, 360],
  'P3/T': [120, 489],
  'P8/4': [168],
};
