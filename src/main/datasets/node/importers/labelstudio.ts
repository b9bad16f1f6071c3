import { AppError } from '@shared/errors';
import { posix } from 'node:path';
import type { ForeignInstance } from '../../formats/instances';
import { type LabelStudioFile, parseLabelStudio } from '../../formats/labelstudio';
import type { DatasetImport, ImportOptions } from '../import-runner';
import { imageFolderOf, labelSource, nothingToImport, readJsonFile, resolveOptions } from './common';
import { runInstanceImport } from './instances';

/**
 * Label Studio JSON exports (formats/labelstudio.ts): every `*.json` in the root holding an array of tasks with
 * `data`, or the one JSON file given as the root. Images are looked up beside the JSON, in the root or in
 * `images/`. Predictions become imported predictions.
 */
export async function openLabelStudioImport(
  given: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const { root, files } = await labelSource('labelstudio', given, ['.'], '.json');
  const parsed: { file: string; tasks: LabelStudioFile; folder: string }[] = [];
  for (const file of files) {
    const value = await readJsonFile(root, file);
    if (!Array.isArray(value) || typeof (value[0] as { data?: unknown } | undefined)?.data !== 'object')
      continue;
    let tasks: LabelStudioFile;
    try {
      tasks = parseLabelStudio(value, file);
    } catch (error) {
      throw new AppError('invalid_input', (error as Error).message, file);
    }
    parsed.push({ file, tasks, folder: await imageFolderOf(root, file, tasks.instances[0]?.image) });
  }
  const first = parsed[0];
  if (!first)
    throw nothingToImport('labelstudio', given, 'Label Studio JSON export (*.json, an array of tasks)');
  const names = parsed.map(({ tasks }) => tasks.names).find((list) => list.length > 0) ?? first.tasks.names;
  return runInstanceImport(
    'labelstudio',
    root,
    { list: names, file: first.file },
    settings,
    async function* (tally) {
      for (const { tasks, folder } of parsed) {
        if (
          tasks.names.join() !== names.join() &&
          tasks.instances.some((instance) => instance.points.some(Boolean))
        )
          throw new AppError(
            'invalid_input',
            `${first.file} and another file label different skeletons`,
            'root',
          );
        for (const issue of tasks.issues) tally.error(issue);
        yield* tasks.instances.map((instance): ForeignInstance => ({
          ...instance,
          image: posix.join(folder, instance.image),
        }));
      }
    },
  );
}
