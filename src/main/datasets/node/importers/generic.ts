import { getSkeleton } from '@shared/skeletons';
import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GENERIC_MANIFEST_NAMES,
  type GenericManifest,
  manifestUvd,
  parseGenericCsvHeader,
  parseGenericCsvLine,
  parseGenericManifest,
} from '../../formats/generic';
import { LineProblem } from '../../formats/labels';
import { readLines } from '../files';
import {
  type DatasetImport,
  type ImportOptions,
  type ImportTally,
  type LabelCandidate,
  runImport,
} from '../import-runner';
import { datasetInfo, existing, nothingToImport, resolveOptions } from './common';

/**
 * A generic depth folder described by `poseloop-dataset.json` or `poseloop-synth.json` (formats/generic.ts): declared
 * intrinsics and skeleton, labels inline or in a CSV. PoseLoop's synthetic datasets are read through here.
 */
export async function openGenericImport(
  root: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const [manifestFile] = await existing(root, GENERIC_MANIFEST_NAMES);
  if (manifestFile === undefined) throw nothingToImport('generic', root, GENERIC_MANIFEST_NAMES.join(' or '));
  let manifest: GenericManifest;
  try {
    manifest = parseGenericManifest(await readFile(join(root, manifestFile), 'utf8'));
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `${manifestFile}: ${error instanceof Error ? error.message : String(error)}`,
      manifestFile,
    );
  }
  const skeleton = getSkeleton(manifest.skeleton);
  const dataset = datasetInfo('generic', root, skeleton.id, manifest.intrinsics, {
    ...settings,
    name: settings.name ?? manifest.name,
    cubeMm: options.cubeMm ?? manifest.cubeMm,
  });
  const jointCount = skeleton.joints.length;
  return runImport(root, dataset, settings, (tally) =>
    manifest.csv === undefined
      ? manifestFrames(manifest, manifestFile, jointCount, tally)
      : csvRows(root, manifest.csv, jointCount, tally),
  );
}

async function* manifestFrames(
  manifest: GenericManifest,
  file: string,
  jointCount: number,
  tally: ImportTally,
): AsyncGenerator<LabelCandidate> {
  for (const [index, frame] of (manifest.frames ?? []).entries()) {
    const where = `frames[${index}]`;
    if (frame.visibility && frame.visibility.length !== jointCount) {
      tally.error({
        file,
        reason: 'joint-count',
        message: `${where}: ${frame.visibility.length} visibility flags, expected ${jointCount}`,
      });
      continue;
    }
    if (frame.uvd !== null && frame.uvd.length !== 3 * jointCount) {
      tally.error({
        file,
        reason: 'joint-count',
        message: `${where}: ${frame.uvd.length} numbers, expected ${3 * jointCount}`,
      });
      continue;
    }
    yield {
      key: frame.image,
      imagePath: frame.image,
      uvd: frame.uvd && manifestUvd(frame.uvd),
      ...(frame.visibility ? { visibility: frame.visibility } : {}),
      file,
      ...(frame.split ? { split: frame.split } : {}),
      ...(frame.family ? { tags: [frame.family] } : {}),
    };
  }
}

async function* csvRows(
  root: string,
  file: string,
  jointCount: number,
  tally: ImportTally,
): AsyncGenerator<LabelCandidate> {
  let columns: ReturnType<typeof parseGenericCsvHeader> | undefined;
  for await (const { line, text } of readLines(join(root, file))) {
    if (text.trim() === '') continue;
    if (columns === undefined) {
      columns = parseGenericCsvHeader(text, jointCount);
      if (columns instanceof LineProblem) {
        tally.error({ file, line, reason: columns.reason, message: columns.message });
        return;
      }
      continue;
    }
    if (columns instanceof LineProblem) return;
    const row = parseGenericCsvLine(text, columns, jointCount);
    if (row instanceof LineProblem) tally.error({ file, line, reason: row.reason, message: row.message });
    else
      yield {
        key: row.imagePath,
        imagePath: row.imagePath,
        uvd: row.uvd,
        file,
        line,
        ...(row.split ? { split: row.split } : {}),
      };
  }
}
