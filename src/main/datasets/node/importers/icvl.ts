import { CAMERA_PRESETS } from '@shared/camera';
import { ICVL16 } from '@shared/skeletons';
import { join, posix } from 'node:path';
import { ICVL_JOINTS, isIcvlOriginal, parseIcvlLine } from '../../formats/icvl';
import { LineProblem } from '../../formats/labels';
import { readLines } from '../files';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import { datasetInfo, existing, nothingToImport, resolveOptions } from './common';

export interface IcvlImportOptions extends ImportOptions {
  /** Also import the in-plane-rotated training copies (off by default, as DeepPrior++). */
  includeAugmented: boolean;
  /** Label files relative to the root; default: both the original and the DeepPrior++ flattened layouts. */
  labelFiles?: string[];
}

/** Original archive (`Training/labels.txt`, `Testing/test_seq_*.txt`) and flattened (`train.txt`, …) layouts. */
const LABEL_FILES = [
  'Training/labels.txt',
  'Testing/test_seq_1.txt',
  'Testing/test_seq_2.txt',
  'labels.txt',
  'train.txt',
  'test_seq_1.txt',
  'test_seq_2.txt',
];

/**
 * ICVL: each label line names a PNG under `Depth/` next to its label file (formats.md §4.5). The key is the path as
 * written in the label file, so the two layouts de-duplicate against each other.
 */
export async function openIcvlImport(
  root: string,
  options: Partial<IcvlImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions({ includeAugmented: false, ...options });
  const labelFiles = settings.labelFiles ?? (await existing(root, LABEL_FILES));
  if (labelFiles.length === 0) throw nothingToImport('icvl', root, LABEL_FILES.join(', '));
  const dataset = datasetInfo('icvl', root, ICVL16.id, CAMERA_PRESETS.icvl.intrinsics, settings);
  return runImport(root, dataset, settings, async function* (tally) {
    for (const file of labelFiles) {
      const depthFolder = posix.join(posix.dirname(file), 'Depth');
      const split = posix.basename(file).startsWith('test') ? 'test' : 'train';
      for await (const { line, text } of readLines(join(root, file))) {
        if (text.trim() === '') continue;
        const label = parseIcvlLine(text, line, ICVL_JOINTS);
        if (label instanceof LineProblem) {
          tally.error({ file, line, reason: label.reason, message: label.message });
          continue;
        }
        if (!settings.includeAugmented && !isIcvlOriginal(label.imagePath)) {
          tally.skip('augmented-copy');
          continue;
        }
        yield {
          key: label.imagePath,
          imagePath: posix.join(depthFolder, label.imagePath),
          uvd: label.uvd,
          file,
          line,
          split,
        };
      }
    }
  });
}
