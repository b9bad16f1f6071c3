import type { Intrinsics, Joint, Visibility } from '@shared/domain';
import { join } from 'node:path';
import { PNG_HEADER_BYTES, readPngSize } from '../formats/depth-png';
import { checkUvd, uvdToJoints } from '../formats/labels';
import { MSRA_BIN_HEADER_BYTES, readMsraBinSize } from '../formats/msra';
import type { DatasetInfo, ImportCounts, ImportIssue, ImportRecord, SkipReason } from '../types';
import { isMissingFile, readHead } from './files';
import { loadDepth } from './load-depth';

export interface ImportOptions {
  /**
   * How much of each image to check before accepting its record: 'header' (default) reads the PNG / .bin header
   * (cheap; catches missing and non-image files), 'decode' decodes it fully, 'none' trusts the labels.
   */
  checkImages: 'none' | 'header' | 'decode';
  /** Records per batch yielded by `records`. */
  batchSize: number;
  /** Joint depths outside this range are rejected. */
  depthRangeMm: readonly [number, number];
  /** Overrides the dataset's official intrinsics (e.g. the reference code's, spec §1.4). */
  intrinsics?: Intrinsics;
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
  /** Flat (u, v, d) in the dataset's native skeleton order; NaN triples = absent joints; null = unlabelled. */
  uvd: Float64Array | null;
  /** Per-joint visibility when the format records it (occluded joints); default visible where uvd is present. */
  visibility?: readonly Visibility[];
  /** The file the label came from (for error messages), relative to the root. */
  file: string;
  line?: number;
  split?: 'train' | 'test';
  tags?: string[];
}

/** Errors and skip counts, filled while the records are consumed. */
export class ImportTally {
  readonly errors: ImportIssue[] = [];
  readonly counts: ImportCounts = { imported: 0, skipped: 0, skippedByReason: {} };

  error(issue: ImportIssue): void {
    this.errors.push(issue);
    this.skip(issue.reason);
  }

  skip(reason: SkipReason): void {
    this.counts.skipped++;
    this.counts.skippedByReason[reason] = (this.counts.skippedByReason[reason] ?? 0) + 1;
  }
}

export interface DatasetImport {
  dataset: DatasetInfo;
  /** Batches of valid records; pulling them does the work (streaming, nothing is read twice). */
  records: AsyncIterable<ImportRecord[]>;
  /** Complete once `records` is exhausted. */
  errors: ImportIssue[];
  counts: ImportCounts;
}

/**
 * The part every importer shares: de-duplicate keys, check images (in parallel per batch), validate joints against
 * the image and depth range, batch. A bad record becomes an error entry with file and line; the rest goes on.
 */
export function runImport(
  root: string,
  dataset: DatasetInfo,
  options: ImportOptions,
  readLabels: (tally: ImportTally) => AsyncIterable<LabelCandidate>,
): DatasetImport {
  const tally = new ImportTally();
  const seen = new Set<string>();
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
      candidates.map((candidate) => imageSize(root, candidate.imagePath, dataset, options)),
    );
    const records: ImportRecord[] = [];
    candidates.forEach((candidate, i) => {
      const size = sizes[i]!;
      const where = {
        file: candidate.file,
        ...(candidate.line === undefined ? {} : { line: candidate.line }),
      };
      if ('reason' in size)
        return tally.error({
          ...where,
          reason: size.reason,
          message: `${candidate.imagePath}: ${size.message}`,
        });
      const problem =
        candidate.uvd && checkUvd(candidate.uvd, { ...size, depthRangeMm: options.depthRangeMm });
      if (problem) return tally.error({ ...where, reason: problem.reason, message: problem.message });
      records.push({
        key: candidate.key,
        imagePath: candidate.imagePath,
        ...size,
        joints: candidate.uvd && withVisibility(uvdToJoints(candidate.uvd), candidate.visibility),
        ...(candidate.line === undefined ? {} : { line: candidate.line }),
        ...(candidate.split === undefined ? {} : { split: candidate.split }),
        ...(candidate.tags === undefined ? {} : { tags: candidate.tags }),
      });
      tally.counts.imported++;
    });
    return records;
  }

  return { dataset, records: batches(), errors: tally.errors, counts: tally.counts };
}

type SizeOrProblem = { width: number; height: number } | { reason: SkipReason; message: string };

async function imageSize(
  root: string,
  imagePath: string,
  dataset: DatasetInfo,
  options: ImportOptions,
): Promise<SizeOrProblem> {
  if (options.checkImages === 'none')
    return { width: dataset.intrinsics.width, height: dataset.intrinsics.height };
  try {
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
    return { reason: 'unreadable-image', message: error instanceof Error ? error.message : String(error) };
  }
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
