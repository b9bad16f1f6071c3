import type { Joint } from '@shared/domain';
import { absentJoint } from '@shared/skeletons';
import type { ImportIssue, SkipReason } from '../types';

/** A label line that failed: the reason and a message naming the problem. */
export class LineProblem {
  constructor(
    readonly reason: SkipReason,
    readonly message: string,
  ) {}
}

export function problem(reason: SkipReason, message: string): LineProblem {
  return new LineProblem(reason, message);
}

/** Splits on any whitespace; ICVL lines end with " \r\r\n" and BigHand mixes tabs and spaces. */
export function tokens(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** `count` numbers starting at `tokens[start]`, or the problem with them. */
export function parseNumbers(
  fields: readonly string[],
  start: number,
  count: number,
): Float64Array | LineProblem {
  if (fields.length - start !== count) {
    return problem('joint-count', `expected ${count} numbers, found ${Math.max(0, fields.length - start)}`);
  }
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const text = fields[start + i]!;
    const value = Number(text);
    if (!Number.isFinite(value))
      return problem('not-a-number', `field ${start + i + 1} is "${text}", not a number`);
    values[i] = value;
  }
  return values;
}

export interface UvdBounds {
  width: number;
  height: number;
  depthRangeMm: readonly [number, number];
}

/** An all-NaN triple is an absent joint (generic files leave its cells empty); a partly-NaN one is an error. */
function isAbsentTriple(uvd: ArrayLike<number>, j: number): boolean {
  return Number.isNaN(uvd[j]) && Number.isNaN(uvd[j + 1]) && Number.isNaN(uvd[j + 2]);
}

/** Joints must lie in the image and in the depth range (formats.md §4.11); returns the first violation. */
export function checkUvd(uvd: Float64Array, bounds: UvdBounds): LineProblem | null {
  const [minDepth, maxDepth] = bounds.depthRangeMm;
  for (let j = 0; j < uvd.length; j += 3) {
    if (isAbsentTriple(uvd, j)) continue;
    const [u, v, d] = [uvd[j]!, uvd[j + 1]!, uvd[j + 2]!];
    if (!Number.isFinite(u) || !Number.isFinite(v) || !Number.isFinite(d)) {
      return problem('not-a-number', `joint ${j / 3} is not finite`);
    }
    if (u < 0 || u > bounds.width || v < 0 || v > bounds.height) {
      return problem(
        'out-of-range',
        `joint ${j / 3} at (${u}, ${v}) px is outside the ${bounds.width}×${bounds.height} image`,
      );
    }
    if (d < minDepth || d > maxDepth) {
      return problem('out-of-range', `joint ${j / 3} depth ${d} mm is outside ${minDepth}–${maxDepth} mm`);
    }
  }
  return null;
}

/** Flat (u, v, d) triples → labelled, visible joints (datasets carry no occlusion flags); NaN triples → absent. */
export function uvdToJoints(uvd: ArrayLike<number>): Joint[] {
  const joints: Joint[] = [];
  for (let j = 0; j + 2 < uvd.length; j += 3) {
    joints.push(
      isAbsentTriple(uvd, j)
        ? absentJoint()
        : { u: uvd[j]!, v: uvd[j + 1]!, d: uvd[j + 2]!, visibility: 'visible', state: 'accepted' },
    );
  }
  return joints;
}

/** Joints → flat (u, v, d); absent joints become NaN. */
export function jointsToUvd(joints: readonly Joint[]): Float64Array {
  const uvd = new Float64Array(joints.length * 3);
  joints.forEach((joint, j) => {
    uvd[3 * j] = joint.u ?? Number.NaN;
    uvd[3 * j + 1] = joint.v ?? Number.NaN;
    uvd[3 * j + 2] = joint.d ?? Number.NaN;
  });
  return uvd;
}

/**
 * Runs a per-line parser over a whole text (small files and tests; large files stream lines in `node/`).
 * Blank lines are ignored; `line` is 1-based.
 */
export function parseLines<T>(
  text: string,
  file: string,
  parseLine: (line: string, lineNumber: number) => T | LineProblem | null,
): { entries: T[]; issues: ImportIssue[] } {
  const entries: T[] = [];
  const issues: ImportIssue[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const result = parseLine(line, index + 1);
    if (result === null) return;
    if (result instanceof LineProblem)
      issues.push({ file, line: index + 1, reason: result.reason, message: result.message });
    else entries.push(result);
  });
  return { entries, issues };
}
