import { AppError } from '@shared/errors';
import { MPII16 } from '@shared/skeletons';
import { join, posix } from 'node:path';
import { LineProblem } from '../../formats/labels';
import { isMpiiPersonList, parseMpiiPerson } from '../../formats/mpii';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import {
  exists,
  filesIn,
  labelSource,
  nothingToImport,
  readJsonFile,
  resolveOptions,
  rgbDatasetInfo,
  splitFromFileName,
} from './common';

/** Where the JSON lies: beside the images (mmpose's test data), HRNet's `annot/`, mmpose's `annotations/`. */
const LABEL_FOLDERS = ['.', 'annot', 'annotations'];

/**
 * MPII in the HRNet / mmpose JSON form (formats/mpii.ts): every `*.json` in LABEL_FOLDERS holding a person list
 * (`mpii_train.json`, `mpii_val.json`, HRNet's `train.json` / `valid.json` / `test.json`, …); the split follows the
 * file name; a JSON given as the root is read alone. One sample per person, keyed `<image>#<index in its file>`.
 * Images are read from `images/` when the root has one (HRNet and mmpose layouts), else from the root.
 */
export async function openMpiiImport(
  given: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  if (/\.mat$/i.test(given) && (await exists(given))) throw matOnly(given);
  const { root, files } = await labelSource('mpii', given, LABEL_FOLDERS, '.json');
  const sources: { file: string; people: unknown[] }[] = [];
  for (const file of files) {
    const value = await readJsonFile(root, file);
    if (isMpiiPersonList(value)) sources.push({ file, people: value });
  }
  if (sources.length === 0) {
    const [mat] = await filesIn(root, LABEL_FOLDERS, '.mat');
    if (mat !== undefined) throw matOnly(mat);
    throw nothingToImport('mpii', given, `HRNet / mmpose *.json in ${LABEL_FOLDERS.join(', ')}`);
  }
  const imageFolder = (await exists(join(root, 'images'))) ? 'images' : '.';
  const dataset = rgbDatasetInfo('mpii', root, MPII16.id, settings);
  return runImport(root, dataset, settings, async function* (tally) {
    for (const { file, people } of sources) {
      const split = splitFromFileName(file);
      for (const [index, value] of people.entries()) {
        const person = parseMpiiPerson(value);
        if (person instanceof LineProblem) {
          tally.error({ file, reason: person.reason, message: `[${index}]: ${person.message}` });
          continue;
        }
        yield {
          key: `${person.image}#${index}`,
          imagePath: posix.join(imageFolder, person.image),
          uvd: null,
          ...(person.joints ? { joints: person.joints } : {}),
          ...(person.box ? { box: person.box } : {}),
          file,
          where: `[${index}] (${person.image})`,
          ...(split ? { split } : {}),
        };
      }
    }
  });
}

function matOnly(file: string): AppError {
  return new AppError(
    'unsupported',
    `${file} is MPII's MATLAB struct, which PoseLoop does not read. Use the JSON form instead: mmpose's ` +
      "mpii_train.json / mpii_val.json or HRNet's annot/train.json / valid.json (both projects publish them with " +
      'their MPII data-preparation steps), or convert the .mat with a script writing ' +
      '[{image, center, scale, joints: 16 × [x, y], joints_vis}] per person',
    file,
  );
}
