/**
 * Label QC findings carried from the Export view's list into the annotate view by the link's `qc` query parameter:
 * `a-b:limit` for a too-long link a → b (limit in image px), `a~b` for a left/right pair that may be swapped. The
 * annotate view highlights them and measures the current label live, so a fix shows at once.
 */
import type { LabelQcFlag } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { isPlaced } from '../lib/pose';

export interface QcMark {
  kind: 'link' | 'swap';
  a: number;
  b: number;
  /** Too-long links: the longest length QC accepts, image px. */
  limitPx: number | null;
}

/** The `qc` parameter of a flagged sample's link. */
export function qcParam(flags: readonly LabelQcFlag[]): string {
  return flags
    .flatMap((flag) => {
      if (flag.kind === 'unlikely-link')
        return [`${flag.joints[0]}-${flag.joints[1]}:${(flag.limitPx ?? 0).toFixed(1)}`];
      const pairs: string[] = [];
      for (let i = 0; i + 1 < flag.joints.length; i += 2)
        pairs.push(`${flag.joints[i]}~${flag.joints[i + 1]}`);
      return pairs;
    })
    .join(',');
}

/** Marks from a `qc` parameter; anything malformed or naming a joint outside 0…jointCount−1 is left out. */
export function parseQcParam(value: string | null, jointCount: number): QcMark[] {
  if (!value) return [];
  const joint = (text: string): number | null => {
    const j = Number(text);
    return Number.isInteger(j) && j >= 0 && j < jointCount ? j : null;
  };
  return value.split(',').flatMap((item): QcMark[] => {
    const link = /^(\d+)-(\d+):(\d+(?:\.\d+)?)$/.exec(item);
    const swap = /^(\d+)~(\d+)$/.exec(item);
    const a = joint((link ?? swap)?.[1] ?? '');
    const b = joint((link ?? swap)?.[2] ?? '');
    if (a === null || b === null || a === b) return [];
    return [{ kind: link ? 'link' : 'swap', a, b, limitPx: link ? Number(link[3]) : null }];
  });
}

/** The current distance between a mark's joints, image px, or null while either is not placed. */
export function markLength(mark: QcMark, joints: readonly Joint[]): number | null {
  const a = joints[mark.a];
  const b = joints[mark.b];
  return a && b && isPlaced(a) && isPlaced(b) ? Math.hypot(a.u - b.u, a.v - b.v) : null;
}
