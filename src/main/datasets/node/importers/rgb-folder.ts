import { AppError } from '@shared/errors';
import { MPII16, SKELETONS, type SkeletonLayout, getSkeleton } from '@shared/skeletons';
import { listFiles } from '../files';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import { nothingToImport, resolveOptions, rgbDatasetInfo } from './common';

export interface RgbFolderImportOptions extends ImportOptions {
  /** Human skeleton the images will be annotated with (mpii16, lsp14, coco17). Default: mpii16. */
  skeleton: string;
}

/** The layout unlabelled RGB images will be annotated with; an error unless it is a human one. */
export function checkHumanSkeleton(id: string): SkeletonLayout {
  const skeleton = getSkeleton(id);
  if (skeleton.kind !== 'human') {
    const humans = Object.values(SKELETONS).filter((layout) => layout.kind === 'human');
    throw new AppError(
      'invalid_input',
      `RGB images are annotated with a human skeleton (${humans.map((layout) => layout.id).join(', ')}), not ${skeleton.id}`,
      'skeleton',
    );
  }
  return skeleton;
}

const RGB_FILE = /\.(jpe?g|png)$/i;

/**
 * Every JPEG and PNG under the root (recursively, sorted by path) as an unlabelled pool sample keyed by its path,
 * with no person box: the annotator draws one.
 */
export async function openRgbFolderImport(
  root: string,
  options: Partial<RgbFolderImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions({ skeleton: MPII16.id, ...options });
  const skeleton = checkHumanSkeleton(settings.skeleton);
  const files = await listFiles(root, (name) => RGB_FILE.test(name));
  if (files.length === 0) throw nothingToImport('rgb-folder', root, '*.jpg, *.jpeg, *.png');
  const dataset = rgbDatasetInfo('rgb-folder', root, skeleton.id, settings);
  return runImport(root, dataset, settings, async function* () {
    for (const file of files) yield { key: file, imagePath: file, uvd: null, file };
  });
}
