import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parseYoloData, parseYoloLabels, yoloLabelPath, type YoloData } from '../../formats/yolo';
import { isMissingFile, listFiles } from '../files';
import { type DatasetImport, type ImportOptions, rgbImageSize } from '../import-runner';
import { exists, labelSource, nothingToImport, resolveOptions } from './common';
import { runInstanceImport } from './instances';

const IMAGE = /\.(jpe?g|png)$/i;

/**
 * An Ultralytics YOLO-pose dataset (formats/yolo.ts): the root's `data.yaml` (or the one `*.yaml` with `kpt_shape`),
 * or the yaml given as the root, names the image folders; each image's label file gives its persons. Train folders →
 * train, val / test → test. An image without a label file has no person: it is imported unlabelled (into the pool).
 */
export async function openYoloImport(
  given: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const { root, files } = await labelSource('yolo', given, ['.'], '.yaml');
  const { data, file } = await readDataYaml(root, files, given);
  const base = posix.join(posix.dirname(file), data.path);
  const images: { image: string; split: 'train' | 'test' }[] = [];
  const seen = new Set<string>();
  for (const { folder, split } of data.folders) {
    const dir = posix.join(base, folder);
    // A folder listed twice (val = train when there is no validation set) is imported once, with its first role.
    if (seen.has(dir)) continue;
    seen.add(dir);
    if (!(await exists(join(root, dir))))
      throw new AppError('not_found', `${file}: image folder ${dir} does not exist under ${root}`, file);
    for (const name of await listFiles(join(root, dir), (entry) => IMAGE.test(entry)))
      images.push({ image: posix.join(dir, name), split });
  }
  if (images.length === 0) throw nothingToImport('yolo', root, `images in the folders ${file} names`);
  return runInstanceImport('yolo', root, { list: data.names, file }, settings, async function* (tally) {
    for (const { image, split } of images) {
      const labelFile = yoloLabelPath(image);
      const text = await readFile(join(root, labelFile), 'utf8').catch((error: unknown) => {
        if (isMissingFile(error)) return null;
        throw error;
      });
      if (text === null) {
        yield { image, points: data.names.map(() => null), file: image, split };
        continue;
      }
      const size = await rgbImageSize(join(root, image), false).catch(() => null);
      if (size === null || 'reason' in size) {
        tally.error({
          file: labelFile,
          reason: 'unreadable-image',
          message: `${image}: cannot read its size`,
        });
        continue;
      }
      const parsed = parseYoloLabels(text, { file: labelFile, image, ...size, data });
      for (const issue of parsed.issues) tally.error(issue);
      for (const instance of parsed.instances) yield { ...instance, split };
    }
  });
}

async function readDataYaml(
  root: string,
  files: readonly string[],
  given: string,
): Promise<{ data: YoloData; file: string }> {
  const candidates = [...files].sort((a, b) =>
    a === 'data.yaml' ? -1 : b === 'data.yaml' ? 1 : a.localeCompare(b),
  );
  for (const file of candidates) {
    const text = await readFile(join(root, file), 'utf8');
    if (!/^kpt_shape\s*:/m.test(text)) continue;
    try {
      return { data: parseYoloData(text, file), file };
    } catch (error) {
      throw new AppError('invalid_input', (error as Error).message, file);
    }
  }
  throw nothingToImport('yolo', given, 'data.yaml with kpt_shape');
}
