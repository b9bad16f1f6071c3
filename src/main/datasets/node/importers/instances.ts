import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { customSkeleton } from '@shared/skeletons';
import { type CocoLayout, boxAroundJoints, cocoLayoutFor } from '../../formats/coco';
import {
  type ForeignInstance,
  TOOL_NAMES,
  instanceJoints,
  instanceScores,
  matchPredictions,
} from '../../formats/instances';
import type { DatasetFormat } from '../../types';
import {
  type DatasetImport,
  type ImportOptions,
  type ImportTally,
  type LabelCandidate,
  runImport,
} from '../import-runner';
import { rgbDatasetInfo } from './common';

/** The keypoints a file names, in its order, and the skeleton links it gives by name (when it gives some). */
export interface FileSkeleton {
  list: readonly string[];
  /** The file that names them: it names a custom skeleton and starts error messages. */
  file: string;
  links?: readonly (readonly [string, string])[];
}

/**
 * The importer every peer tool's format shares (DeepLabCut, SLEAP, Label Studio, CVAT, YOLO-pose): the file's
 * keypoint names pick the built-in human layout (COCO 17, MPII 16 or LSP 14 joint names, in any order; the same
 * rule as COCO files), else they define a custom skeleton with the file's links (an animal's bodyparts). Each
 * labelled instance becomes one sample keyed `<image>#<n>` (n = its order on that image), its box the file's or the
 * box of its joints. Predicted instances are never labels: each becomes the imported prediction of the labelled
 * instance of its image it lies on (formats/instances.ts matchPredictions), or of a new unlabelled pool sample of
 * its own, with its box, when it matches none.
 */
export function runInstanceImport(
  format: DatasetFormat,
  root: string,
  names: FileSkeleton,
  settings: ImportOptions,
  readInstances: (tally: ImportTally) => AsyncIterable<ForeignInstance>,
): DatasetImport {
  const layout = instanceLayout(format, names);
  const custom = layout.layout.kind === 'custom' ? { layout: layout.layout } : {};
  const dataset = {
    ...rgbDatasetInfo(format, root, layout.layout.id, settings),
    ...custom,
    skeletonFile: names.file,
  };
  return runImport(root, dataset, settings, async function* (tally) {
    const images = new Map<string, { count: number; labelled: { key: string; joints: Joint[] }[] }>();
    const predicted = new Map<string, { instance: ForeignInstance; joints: Joint[] }[]>();
    const imageEntry = (image: string) => {
      const entry = images.get(image) ?? { count: 0, labelled: [] };
      images.set(image, entry);
      return entry;
    };
    for await (const instance of readInstances(tally)) {
      const joints = instanceJoints(instance.points, layout);
      if (instance.predicted) {
        predicted.set(instance.image, [...(predicted.get(instance.image) ?? []), { instance, joints }]);
        continue;
      }
      const entry = imageEntry(instance.image);
      const key = `${instance.image}#${entry.count++}`;
      const labelled = joints.some((joint) => joint.visibility !== 'absent') ? joints : null;
      if (labelled) entry.labelled.push({ key, joints: labelled });
      yield candidate(instance, key, labelled);
    }
    for (const [image, list] of predicted) {
      const entry = imageEntry(image);
      const matches = matchPredictions(
        entry.labelled.map((label) => label.joints),
        list.map((prediction) => prediction.joints),
      );
      for (const [p, { instance, joints }] of list.entries()) {
        const match = matches[p];
        let key: string;
        if (match !== null && match !== undefined) key = entry.labelled[match]!.key;
        else {
          key = `${image}#${entry.count++}`;
          yield { ...candidate(instance, key, null), box: instance.box ?? boxAroundJoints(joints) };
        }
        tally.predictions.push({
          key,
          joints,
          scores: instanceScores(instance.points, layout),
          score: instance.score ?? null,
        });
      }
    }
  });
}

function instanceLayout(format: DatasetFormat, names: FileSkeleton): CocoLayout {
  const builtIn = cocoLayoutFor(names.list);
  if (builtIn) return builtIn;
  try {
    const layout = customSkeleton(names.list, names.links ?? [], {
      tool: TOOL_NAMES[format] ?? format,
      file: names.file,
    });
    return { layout, jointOf: names.list.map((_, k) => k) };
  } catch (error) {
    throw new AppError('invalid_input', (error as Error).message, names.file);
  }
}

function candidate(instance: ForeignInstance, key: string, joints: Joint[] | null): LabelCandidate {
  const box = instance.box ?? (joints ? boxAroundJoints(joints) : undefined);
  return {
    key,
    imagePath: instance.image,
    uvd: null,
    ...(joints ? { joints } : {}),
    ...(box ? { box } : {}),
    ...(instance.size ? { size: instance.size } : {}),
    file: instance.file,
    ...(instance.where === undefined ? {} : { where: instance.where }),
    ...(instance.line === undefined ? {} : { line: instance.line }),
    ...(instance.split ? { split: instance.split } : {}),
    ...(instance.tags ? { tags: instance.tags } : {}),
    ...(instance.frame === undefined ? {} : { frame: instance.frame }),
  };
}
