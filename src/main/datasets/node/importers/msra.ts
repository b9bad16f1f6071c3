import { CAMERA_PRESETS } from '@shared/camera';
import { MSRA21 } from '@shared/skeletons';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { MSRA15_FAULTY_FRAMES, msraDepthFileName, parseMsraJointFile } from '../../formats/msra';
import { listFiles } from '../files';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import { datasetInfo, nothingToImport, resolveOptions } from './common';

/**
 * MSRA15 (`P0…P8/<gesture>/joint.txt` + `%06d_depth.bin`, formats.md §4.7). Any folder holding a `joint.txt` is a
 * sequence; the key is `<folder>/<frame, 6 digits>`. Known faulty frames are tagged 'faulty', not dropped.
 */
export async function openMsraImport(
  root: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const jointFiles = await listFiles(root, (name) => name === 'joint.txt');
  if (jointFiles.length === 0) throw nothingToImport('msra', root, '<subject>/<gesture>/joint.txt');
  const dataset = datasetInfo('msra', root, MSRA21.id, CAMERA_PRESETS.msra.intrinsics, settings);
  return runImport(root, dataset, settings, async function* (tally) {
    for (const file of jointFiles) {
      const folder = posix.dirname(file);
      const parsed = parseMsraJointFile(await readFile(join(root, file), 'utf8'), dataset.intrinsics);
      for (const { line, problem } of parsed.problems)
        tally.error({ file, line, reason: problem.reason, message: problem.message });
      const faulty = new Set(MSRA15_FAULTY_FRAMES[folder.split('/').slice(-2).join('/')] ?? []);
      for (const label of parsed.labels) {
        const frameName = String(label.frame).padStart(6, '0');
        yield {
          key: folder === '.' ? frameName : `${folder}/${frameName}`,
          imagePath: posix.join(folder, msraDepthFileName(label.frame)),
          uvd: label.uvd,
          file,
          line: label.line,
          ...(faulty.has(label.frame) ? { tags: ['faulty'] } : {}),
        };
      }
    }
  });
}
