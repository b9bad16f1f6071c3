import { CAMERA_PRESETS } from '@shared/camera';
import { BIGHAND21 } from '@shared/skeletons';
import { join, posix } from 'node:path';
import { parseBigHandLine } from '../../formats/bighand';
import { LineProblem } from '../../formats/labels';
import { readLines } from '../files';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import { datasetInfo, exists, existing, nothingToImport, resolveOptions } from './common';

const ANNOTATION_FILES = ['Training_Annotation.txt', 'training/Training_Annotation.txt'];

/**
 * BigHand2.2M / HANDS2017: `Training_Annotation.txt` (xyz mm, projected to uvd here) with the PNGs in an `images/`
 * folder beside it (HANDS17 layout) or at the paths the lines name (amended raw release). Streams the file, so the
 * 957k-line annotation never sits in memory.
 */
export async function openBigHandImport(
  root: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const [file] = await existing(root, ANNOTATION_FILES);
  if (file === undefined) throw nothingToImport('bighand', root, ANNOTATION_FILES.join(', '));
  const dataset = datasetInfo('bighand', root, BIGHAND21.id, CAMERA_PRESETS.bighand.intrinsics, settings);
  const folder = posix.dirname(file);
  const imageFolder = (await exists(join(root, folder, 'images'))) ? posix.join(folder, 'images') : folder;
  return runImport(root, dataset, settings, async function* (tally) {
    for await (const { line, text } of readLines(join(root, file))) {
      if (text.trim() === '') continue;
      const label = parseBigHandLine(text, line, dataset.intrinsics);
      if (label instanceof LineProblem) {
        tally.error({ file, line, reason: label.reason, message: label.message });
        continue;
      }
      yield {
        key: label.imagePath,
        imagePath: posix.join(imageFolder, label.imagePath),
        uvd: label.uvd,
        file,
        line,
        split: 'train',
      };
    }
  });
}
