import { CAMERA_PRESETS } from '@shared/camera';
import { NYU14, NYU36 } from '@shared/skeletons';
import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { inflateSync } from 'node:zlib';
import { LineProblem } from '../../formats/labels';
import { nyuDepthFileName, parseNyuEvalLine, parseNyuJointMat } from '../../formats/nyu';
import { readLines } from '../files';
import { type DatasetImport, type ImportOptions, type LabelCandidate, runImport } from '../import-runner';
import { datasetInfo, existing, nothingToImport, resolveOptions } from './common';

export interface NyuImportOptions extends ImportOptions {
  /** Which Kinect's frames to import (1 = frontal, the one every benchmark uses). */
  kinect: 1 | 2 | 3;
}

/** Per folder, the first label source found wins: full 36 joints, else the 14-joint evaluation files. */
const LABEL_SOURCES = [
  'joint_data.mat',
  'nyu_test_groundtruth_label.txt',
  'nyu_keypointsUVD_test.mat',
] as const;
const FOLDERS = ['train', 'test', '.'] as const;

/**
 * NYU: per split folder (`train/`, `test/`, or the root itself) a label source from LABEL_SOURCES, frame i ↔
 * `depth_<kinect>_<i+1, 7 digits>.png` in the same folder (formats.md §4.6, PROVENANCE §2).
 */
export async function openNyuImport(
  root: string,
  options: Partial<NyuImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions({ kinect: 1, ...options });
  const sources: { folder: string; file: string; skeleton: string }[] = [];
  for (const folder of FOLDERS) {
    const [file] = await existing(
      root,
      LABEL_SOURCES.map((name) => posix.join(folder, name)),
    );
    if (file !== undefined)
      sources.push({ folder, file, skeleton: file.endsWith('joint_data.mat') ? NYU36.id : NYU14.id });
  }
  const skeleton = sources[0]?.skeleton;
  if (skeleton === undefined)
    throw nothingToImport('nyu', root, `${LABEL_SOURCES.join(' or ')} in ${FOLDERS.join(', ')}`);
  if (sources.some((source) => source.skeleton !== skeleton)) {
    throw new AppError(
      'invalid_input',
      'NYU folders mix 36-joint and 14-joint labels; import them as two datasets',
      root,
    );
  }
  const dataset = datasetInfo('nyu', root, skeleton, CAMERA_PRESETS.nyu.intrinsics, settings);
  return runImport(root, dataset, settings, async function* (tally) {
    for (const { folder, file } of sources) {
      // The evaluation files only exist for the test split.
      const split =
        folder === 'train'
          ? 'train'
          : folder === 'test' || !file.endsWith('joint_data.mat')
            ? 'test'
            : undefined;
      const candidate = (frame: number, uvd: Float64Array, line?: number): LabelCandidate => {
        const imagePath = posix.join(folder, nyuDepthFileName(settings.kinect, frame));
        return {
          key: imagePath,
          imagePath,
          uvd,
          file,
          ...(line === undefined ? {} : { line }),
          ...(split ? { split } : {}),
        };
      };
      if (file.endsWith('.mat')) {
        const table = parseNyuJointMat(
          new Uint8Array(await readFile(join(root, file))),
          inflateSync,
          settings.kinect,
        );
        for (const [frame, uvd] of table.frames.entries()) yield candidate(frame, uvd);
        continue;
      }
      let frame = 0;
      for await (const { line, text } of readLines(join(root, file))) {
        if (text.trim() === '') continue;
        const uvd = parseNyuEvalLine(text);
        if (uvd instanceof LineProblem) tally.error({ file, line, reason: uvd.reason, message: uvd.message });
        else yield candidate(frame, uvd, line);
        frame++;
      }
    }
  });
}
