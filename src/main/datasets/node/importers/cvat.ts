import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type CvatFile, parseCvatXml } from '../../formats/cvat';
import type { ForeignInstance } from '../../formats/instances';
import type { DatasetImport, ImportOptions } from '../import-runner';
import { imageFolderOf, labelSource, nothingToImport, resolveOptions } from './common';
import { runInstanceImport } from './instances';

/**
 * CVAT for images 1.1 XML with skeletons (formats/cvat.ts): every `*.xml` in the root or `annotations/` holding
 * `<annotations>`, or the one XML file given as the root; image names are looked up beside the XML, in the root or
 * in `images/` (CVAT's export layout). All files must share one skeleton. One sample per `<skeleton>`; an image
 * without one is imported unlabelled.
 */
export async function openCvatImport(
  given: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const { root, files } = await labelSource('cvat', given, ['.', 'annotations'], '.xml');
  const parsed: { file: string; cvat: CvatFile; folder: string }[] = [];
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    if (!text.includes('<annotations')) continue;
    let cvat: CvatFile;
    try {
      cvat = parseCvatXml(text, file);
    } catch (error) {
      throw new AppError('invalid_input', (error as Error).message, file);
    }
    parsed.push({ file, cvat, folder: await imageFolderOf(root, file, cvat.instances[0]?.image) });
  }
  const first = parsed[0];
  if (!first) throw nothingToImport('cvat', given, 'CVAT for images 1.1 *.xml in ., annotations/');
  const other = parsed.find(({ cvat }) => cvat.names.join() !== first.cvat.names.join());
  if (other)
    throw new AppError(
      'invalid_input',
      `${other.file} has skeleton points [${other.cvat.names.join(', ')}], ${first.file} has [${first.cvat.names.join(', ')}]`,
      other.file,
    );
  return runInstanceImport(
    'cvat',
    root,
    { list: first.cvat.names, file: first.file },
    settings,
    async function* () {
      for (const { cvat, folder } of parsed)
        yield* cvat.instances.map((instance): ForeignInstance => ({
          ...instance,
          image: posix.join(folder, instance.image),
        }));
    },
  );
}
