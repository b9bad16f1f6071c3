import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { customSkeleton } from '@shared/skeletons';
import { posix } from 'node:path';
import {
  type CocoKeypointsFile,
  type CocoLayout,
  boxAroundJoints,
  cocoKeypointsToJoints,
  cocoLayoutFor,
  isCocoKeypointsFile,
  parseCocoAnnotation,
  parseCocoKeypointsFile,
} from '../../formats/coco';
import { isCocoResultsFile } from '../../formats/coco-results';
import { LineProblem } from '../../formats/labels';
import {
  type DatasetImport,
  type ImportOptions,
  type LabelCandidate,
  type ImportTally,
  runImport,
} from '../import-runner';
import {
  imageFolderOf,
  labelSource,
  nothingToImport,
  readJsonFile,
  resolveOptions,
  rgbDatasetInfo,
  splitFromFileName,
} from './common';
import { resultsOf } from './coco-results';

const ANNOTATION_FOLDER = 'annotations';

interface CocoSource {
  file: string;
  coco: CocoKeypointsFile;
  categoryId: number;
  layout: CocoLayout;
  imageFolder: string;
  split?: 'train' | 'test';
}

/**
 * COCO keypoints (formats.md §4.1): every COCO file with a keypoint category in the root or `annotations/`
 * (`person_keypoints_val2017.json`, PoseLoop's own exports), or the one file given as the root. The skeleton follows
 * the category's keypoint names (formats/coco.ts cocoLayoutFor); all files must agree. One sample per person
 * annotation, keyed `<image path>#<annotation id>` (the path, not just `file_name`: per-split files restart both file
 * names and ids), with its bbox as the person box (else the box of its keypoints). Crowd regions and annotations of
 * other categories are skipped and counted; a person without labelled keypoints is an unlabelled sample; images
 * without a person are not imported. Files under `annotations/` take their split from their name (train → train, val /
 * test → test). Keypoint names that are no built-in human layout's define a custom skeleton (with the category's
 * `skeleton` links). A COCO results file beside them (a bare array of `{image_id, keypoints: [x, y, s…], score}`)
 * brings predictions: each the imported suggestion of the person it lies on (node/importers/coco-results.ts).
 */
export async function openCocoImport(
  given: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const { root, files } = await labelSource('coco', given, ['.', ANNOTATION_FOLDER], '.json');
  const sources: CocoSource[] = [];
  const resultFiles: { file: string; results: unknown[] }[] = [];
  for (const file of files) {
    const value = await readJsonFile(root, file);
    if (isCocoResultsFile(value)) resultFiles.push({ file, results: value });
    if (!isCocoKeypointsFile(value)) continue;
    const source = await cocoSource(root, file, value);
    if (source) sources.push(source);
  }
  const layout = sources[0]?.layout.layout;
  if (layout === undefined)
    throw nothingToImport('coco', given, `COCO keypoints *.json in ., ${ANNOTATION_FOLDER}/`);
  const mixed = sources.find((source) => source.layout.layout.id !== layout.id);
  if (mixed) {
    throw new AppError(
      'invalid_input',
      `${mixed.file} has ${mixed.layout.layout.id} keypoints but ${sources[0]!.file} has ${layout.id}; import them as two datasets`,
      mixed.file,
    );
  }
  const dataset = {
    ...rgbDatasetInfo('coco', root, layout.id, settings),
    ...(layout.kind === 'custom' ? { layout, skeletonFile: sources[0]!.file } : {}),
  };
  return runImport(root, dataset, settings, async function* (tally) {
    const labelled = new Map<string, { key: string; joints: Joint[] }[]>();
    for (const source of sources) yield* annotationsOf(source, tally, labelled);
    for (const { file, results } of resultFiles) {
      const ids = new Set(results.map((result) => (result as { image_id?: unknown }).image_id));
      const source =
        sources.find((candidate) => [...ids].every((id) => candidate.coco.images.some((i) => i.id === id))) ??
        sources[0]!;
      const imagePathOf = (name: string) => posix.join(source.imageFolder, name);
      yield* resultsOf(file, results, { ...source, imagePathOf }, labelled, tally);
    }
  });
}

async function cocoSource(root: string, file: string, value: unknown): Promise<CocoSource | null> {
  let coco: CocoKeypointsFile;
  try {
    coco = parseCocoKeypointsFile(value);
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `${file}: ${error instanceof Error ? error.message : String(error)}`,
      file,
    );
  }
  // Detection or caption files share the three arrays but have no keypoint category.
  const category = coco.categories.find((candidate) => (candidate.keypoints?.length ?? 0) > 0);
  if (!category?.keypoints) return null;
  const layout =
    cocoLayoutFor(category.keypoints) ?? customLayout(file, category.keypoints, category.skeleton);
  const inAnnotations = posix.dirname(file) === ANNOTATION_FOLDER;
  const split = inAnnotations ? splitFromFileName(file) : undefined;
  return {
    file,
    coco,
    categoryId: category.id,
    layout,
    imageFolder: await imageFolderOf(root, file, coco.images[0]?.file_name, cocoSetFolders(file)),
    ...(split ? { split } : {}),
  };
}

/** Keypoints of no built-in layout: a custom skeleton with the category's 1-based links. */
function customLayout(file: string, names: string[], skeleton: [number, number][] = []): CocoLayout {
  try {
    const links = skeleton.map(
      ([a, b]) => [names[a - 1] ?? `#${a}`, names[b - 1] ?? `#${b}`] as [string, string],
    );
    return { layout: customSkeleton(names, links, { tool: 'COCO', file }), jointOf: names.map((_, k) => k) };
  } catch (error) {
    throw new AppError('invalid_input', (error as Error).message, file);
  }
}

/** COCO's `<set>/` or `images/<set>/` (`val2017/` for `person_keypoints_val2017.json`). */
function cocoSetFolders(file: string): string[] {
  const set = posix.basename(file, '.json').replace(/^person_keypoints_/, '');
  return [set, posix.join('images', set)];
}

function* annotationsOf(
  source: CocoSource,
  tally: ImportTally,
  people: Map<string, { key: string; joints: Joint[] }[]>,
): Generator<LabelCandidate> {
  const { file, coco, layout } = source;
  const images = new Map(coco.images.map((image) => [image.id, image]));
  for (const [index, value] of coco.annotations.entries()) {
    const annotation = parseCocoAnnotation(value);
    if (annotation instanceof LineProblem) {
      tally.error({
        file,
        reason: annotation.reason,
        message: `annotations[${index}]: ${annotation.message}`,
      });
      continue;
    }
    const where = `annotations[${index}] (id ${annotation.id})`;
    if (annotation.category_id !== source.categoryId) {
      tally.skip('other-category');
      continue;
    }
    if (annotation.iscrowd === 1) {
      tally.skip('crowd');
      continue;
    }
    const image = images.get(annotation.image_id);
    if (!image) {
      tally.error({
        file,
        reason: 'malformed-record',
        message: `${where}: image_id ${annotation.image_id} is not in images[]`,
      });
      continue;
    }
    const joints = annotation.keypoints && cocoKeypointsToJoints(annotation.keypoints, layout);
    if (joints instanceof LineProblem) {
      tally.error({ file, reason: joints.reason, message: `${where}: ${joints.message}` });
      continue;
    }
    // num_keypoints is not trusted (exporters have rewritten it, formats.md §4.1): the flags decide.
    const labelled = joints?.some((joint) => joint.visibility !== 'absent') ? joints : null;
    const box = annotation.bbox ?? (labelled && boxAroundJoints(labelled));
    const imagePath = posix.join(source.imageFolder, image.file_name);
    const key = `${imagePath}#${annotation.id}`;
    if (labelled) people.set(imagePath, [...(people.get(imagePath) ?? []), { key, joints: labelled }]);
    yield {
      key,
      imagePath,
      uvd: null,
      ...(labelled ? { joints: labelled } : {}),
      ...(box ? { box } : {}),
      ...(image.width && image.height ? { size: { width: image.width, height: image.height } } : {}),
      file,
      where,
      ...(source.split ? { split: source.split } : {}),
      ...(annotation.poseloop_family ? { tags: [annotation.poseloop_family] } : {}),
    };
  }
}
