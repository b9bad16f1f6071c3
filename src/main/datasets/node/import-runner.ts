import type { Intrinsics, Joint, Visibility } from '@shared/domain';
import { getSkeleton } from '@shared/skeletons';
import { hasPngSignature } from 'fast-png';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG_HEADER_BYTES, readPngSize } from '../formats/depth-png';
import { JPEG_HEADER_BYTES, isJpeg, readJpegSize } from '../formats/jpeg';
import { type LineProblem, checkUvd, problem, uvdToJoints } from '../formats/labels';
import { MSRA_BIN_HEADER_BYTES, readMsraBinSize } from '../formats/msra';
import type {
  DatasetInfo,
  ImportCounts,
  ImportIssue,
  ImportRecord,
  ImportedPrediction,
  PersonBox,
  SkipReason,
} from '../types';
import { isMissingFile, readHead } from './files';
import { loadDepth } from './load-depth';
import { decodeRgb } from './load-rgb';

export interface ImportOptions {
  /**
   * How much of each image to check before accepting its record: 'header' (default) reads the PNG / .bin / JPEG
   * header (cheap; catches missing and non-image files), 'decode' decodes it fully, 'none' trusts the labels. RGB
   * images have no camera to take their size from, so 'none' still reads the header unless the labels declare
   * the size (COCO `images[]`).
   */
  checkImages: 'none' | 'header' | 'decode';
  /** Records per batch yielded by `records`. */
  batchSize: number;
  /** Depth: joint depths outside this range are rejected. */
  depthRangeMm: readonly [number, number];
  /** Depth: overrides the dataset's official intrinsics (e.g. the reference code's, spec §1.4). */
  intrinsics?: Intrinsics;
  /** Depth: side of the crop cube in mm. */
  cubeMm: number;
  /** Dataset display name; defaults to the format and folder. */
  name?: string;
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = {
  checkImages: 'header',
  batchSize: 256,
  depthRangeMm: [10, 5000],
  cubeMm: 300,
};

/** What a format reader hands the runner: a label (or an unlabelled image) before image checks and validation. */
export interface LabelCandidate {
  key: string;
  imagePath: string;
  /**
   * Depth labels: flat (u, v, d) in the dataset's native skeleton order; NaN triples = absent joints; null =
   * unlabelled, or an RGB label given as `joints`.
   */
  uvd: Float64Array | null;
  /** Per-joint visibility when the format records it (occluded joints); default visible where uvd is present. */
  visibility?: readonly Visibility[];
  /** RGB labels: joints in the native skeleton order, 0-based pixels, d null, with their visibility. */
  joints?: Joint[];
  /** RGB: the person box, in image pixels. */
  box?: PersonBox;
  /** The image size the label file declares (COCO `images[]`), used when images are not checked. */
  size?: { width: number; height: number };
  /** Where the record sits in a file without lines, e.g. `annotations[3] (id 17)`; starts its error messages. */
  where?: string;
  /** The file the label came from (for error messages), relative to the root. */
  file: string;
  line?: number;
  split?: 'train' | 'test';
  tags?: string[];
  frame?: number;
}

/** Errors, skip counts and the tool's predictions, filled while the records are consumed. */
export class ImportTally {
  readonly errors: ImportIssue[] = [];
  readonly counts: ImportCounts = { imported: 0, skipped: 0, skippedByReason: {} };
  readonly predictions: ImportedPrediction[] = [];

  error(issue: ImportIssue): void {
    this.errors.push(issue);
    this.skip(issue.reason);
  }

  /** One error entry standing for `count` records with the same problem, so thousands of them stay readable. */
  errorForMany(issue: ImportIssue, count: number): void {
    this.errors.push(issue);
    this.skip(issue.reason, count);
  }

  skip(reason: SkipReason, count = 1): void {
    this.counts.skipped += count;
    this.counts.skippedByReason[reason] = (this.counts.skippedByReason[reason] ?? 0) + count;
  }
}

export interface DatasetImport {
  dataset: DatasetInfo;
  /**
   * The folder the image paths are relative to, the dataset's root: the folder given, a label file's folder, or a
   * video's extracted frames.
   */
  root: string;
  /** Batches of valid records; pulling them does the work (streaming, nothing is read twice). */
  records: AsyncIterable<ImportRecord[]>;
  /** Complete once `records` is exhausted. */
  errors: ImportIssue[];
  counts: ImportCounts;
  /** Other tools' predictions for records of this import (by key); complete once `records` is exhausted. */
  predictions: ImportedPrediction[];
}

/**
 * The part every importer shares: de-duplicate keys, check images (in parallel per batch), validate joints against
 * the image (and, for depth, the depth range), batch. A bad record becomes an error entry with file and line (or
 * `where`); the rest goes on.
 */
export function runImport(
  root: string,
  dataset: DatasetInfo,
  options: ImportOptions,
  readLabels: (tally: ImportTally) => AsyncIterable<LabelCandidate>,
): DatasetImport {
  const tally = new ImportTally();
  const seen = new Set<string>();
  const jointNames = (dataset.layout ?? getSkeleton(dataset.skeleton)).joints;
  async function* batches(): AsyncGenerator<ImportRecord[]> {
    let pending: LabelCandidate[] = [];
    for await (const candidate of readLabels(tally)) {
      if (seen.has(candidate.key)) {
        tally.skip('duplicate-key');
        continue;
      }
      seen.add(candidate.key);
      pending.push(candidate);
      if (pending.length >= options.batchSize) {
        const batch = await checkBatch(pending);
        pending = [];
        if (batch.length > 0) yield batch;
      }
    }
    const batch = await checkBatch(pending);
    if (batch.length > 0) yield batch;
  }

  async function checkBatch(candidates: LabelCandidate[]): Promise<ImportRecord[]> {
    const sizes = await Promise.all(
      candidates.map((candidate) => imageSize(root, candidate, dataset, options)),
    );
    const records: ImportRecord[] = [];
    candidates.forEach((candidate, i) => {
      const size = sizes[i]!;
      const where = {
        file: candidate.file,
        ...(candidate.line === undefined ? {} : { line: candidate.line }),
      };
      const prefix = candidate.where === undefined ? '' : `${candidate.where}: `;
      if ('reason' in size)
        return tally.error({
          ...where,
          reason: size.reason,
          message: size.message.startsWith(`${candidate.imagePath}: `)
            ? `${prefix}${size.message}`
            : `${prefix}${candidate.imagePath}: ${size.message}`,
        });
      const problem = candidate.joints
        ? checkImageJoints(candidate.joints, size, jointNames)
        : candidate.uvd && checkUvd(candidate.uvd, { ...size, depthRangeMm: options.depthRangeMm });
      if (problem)
        return tally.error({ ...where, reason: problem.reason, message: `${prefix}${problem.message}` });
      records.push({
        key: candidate.key,
        imagePath: candidate.imagePath,
        ...size,
        joints:
          candidate.joints ??
          (candidate.uvd && withVisibility(uvdToJoints(candidate.uvd), candidate.visibility)),
        ...(candidate.box === undefined ? {} : { box: candidate.box }),
        ...(candidate.line === undefined ? {} : { line: candidate.line }),
        ...(candidate.split === undefined ? {} : { split: candidate.split }),
        ...(candidate.tags === undefined ? {} : { tags: candidate.tags }),
        ...(candidate.frame === undefined ? {} : { frame: candidate.frame }),
      });
      tally.counts.imported++;
    });
    return records;
  }

  return {
    dataset,
    root,
    records: batches(),
    errors: tally.errors,
    counts: tally.counts,
    predictions: tally.predictions,
  };
}

type SizeOrProblem = { width: number; height: number } | { reason: SkipReason; message: string };

async function imageSize(
  root: string,
  { imagePath, size }: LabelCandidate,
  dataset: DatasetInfo,
  options: ImportOptions,
): Promise<SizeOrProblem> {
  if (options.checkImages === 'none' && size) return size;
  if (options.checkImages === 'none' && dataset.modality === 'depth')
    return { width: dataset.intrinsics.width, height: dataset.intrinsics.height };
  try {
    if (dataset.modality === 'rgb')
      return await rgbImageSize(join(root, imagePath), options.checkImages === 'decode');
    if (options.checkImages === 'decode') {
      const { width, height } = await loadDepth(root, { imagePath });
      return { width, height };
    }
    const isBin = imagePath.toLowerCase().endsWith('.bin');
    const head = await readHead(join(root, imagePath), isBin ? MSRA_BIN_HEADER_BYTES : PNG_HEADER_BYTES);
    const size = isBin ? readMsraBinSize(head) : readPngSize(head);
    return typeof size === 'string' ? { reason: 'unreadable-image', message: size } : size;
  } catch (error) {
    if (isMissingFile(error)) return { reason: 'missing-image', message: 'image file not found' };
    const message = error instanceof Error ? error.message : String(error);
    return {
      reason: 'unreadable-image',
      message: message.includes('cannot decode') ? message : `cannot decode the image (${message})`,
    };
  }
}

export async function rgbImageSize(path: string, decode: boolean): Promise<SizeOrProblem> {
  if (decode) {
    const { width, height } = decodeRgb(new Uint8Array(await readFile(path)));
    return { width, height };
  }
  const size =
    rgbHeaderSize(await readHead(path, JPEG_HEADER_BYTES)) ??
    rgbHeaderSize(new Uint8Array(await readFile(path))) ??
    'JPEG ends before its frame header';
  return typeof size === 'string' ? { reason: 'unreadable-image', message: size } : size;
}

/** JPEG or PNG size from the start of a file; null when a JPEG's frame header lies past the bytes given. */
function rgbHeaderSize(head: Uint8Array): { width: number; height: number } | string | null {
  if (isJpeg(head)) return readJpegSize(head);
  return hasPngSignature(head) ? readPngSize(head) : 'neither a JPEG nor a PNG file';
}

/** RGB labels often stray past the frame (cut-off limbs); this far out, as a fraction of the image side, is kept. */
const RGB_MARGIN = 0.5;

/** Labelled RGB joints need a finite position within the image plus the margin; returns the first violation. */
function checkImageJoints(
  joints: readonly Joint[],
  { width, height }: { width: number; height: number },
  names: readonly string[],
): LineProblem | null {
  for (const [j, { u, v, visibility }] of joints.entries()) {
    if (visibility === 'absent') continue;
    const name = names[j] ?? `joint ${j}`;
    if (u === null || v === null || !Number.isFinite(u) || !Number.isFinite(v))
      return problem('not-a-number', `${name} has no finite position`);
    if (
      u < -RGB_MARGIN * width ||
      u > (1 + RGB_MARGIN) * width ||
      v < -RGB_MARGIN * height ||
      v > (1 + RGB_MARGIN) * height
    ) {
      return problem(
        'out-of-range',
        `${name} at (${u}, ${v}) px is more than ${100 * RGB_MARGIN} % outside the ${width}×${height} image`,
      );
    }
  }
  return null;
}

/** Drains an import (tests, small datasets, CLI previews). */
export async function collectImport(run: DatasetImport): Promise<ImportRecord[]> {
  const records: ImportRecord[] = [];
  for await (const batch of run.records) records.push(...batch);
  return records;
}

/** Applies recorded visibility to present joints (an absent joint stays absent whatever the record says). */
function withVisibility(joints: Joint[], visibility: readonly Visibility[] | undefined): Joint[] {
  if (!visibility) return joints;
  return joints.map((joint, j) =>
    joint.visibility === 'absent' || visibility[j] !== 'occluded'
      ? joint
      : { ...joint, visibility: 'occluded' },
  );
}
