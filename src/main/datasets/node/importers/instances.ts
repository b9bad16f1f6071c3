import { AppError } from '@shared/errors';
import { boxAroundJoints, cocoLayoutFor } from '../../formats/coco';
import { type ForeignInstance, instanceJoints } from '../../formats/instances';
import type { DatasetFormat } from '../../types';
import { type DatasetImport, type ImportOptions, type ImportTally, runImport } from '../import-runner';
import { rgbDatasetInfo } from './common';

/**
 * The importer every peer tool's format shares (DeepLabCut, SLEAP, Label Studio, CVAT, YOLO-pose): the file's
 * keypoint names pick the built-in human layout (COCO 17, MPII 16 or LSP 14 joint names, in any order; the same
 * rule as COCO files), each instance becomes one sample keyed `<image>#<n>` (n = its order on that image), its box
 * is the file's or the box of its joints, and predicted instances are counted as `prediction` skips, never labels.
 */
export function runInstanceImport(
  format: DatasetFormat,
  root: string,
  names: { list: readonly string[]; file: string },
  settings: ImportOptions,
  readInstances: (tally: ImportTally) => AsyncIterable<ForeignInstance>,
): DatasetImport {
  const layout = cocoLayoutFor(names.list);
  if (!layout) {
    throw new AppError(
      'unsupported',
      `${names.file}: keypoints [${names.list.join(', ')}] match no built-in human layout (COCO 17, MPII 16 or LSP 14 joint names); other skeletons are not supported yet`,
      names.file,
    );
  }
  const dataset = rgbDatasetInfo(format, root, layout.layout.id, settings);
  return runImport(root, dataset, settings, async function* (tally) {
    const perImage = new Map<string, number>();
    for await (const instance of readInstances(tally)) {
      if (instance.predicted) {
        tally.skip('prediction');
        continue;
      }
      const order = perImage.get(instance.image) ?? 0;
      perImage.set(instance.image, order + 1);
      const joints = instanceJoints(instance.points, layout);
      const labelled = joints.some((joint) => joint.visibility !== 'absent') ? joints : null;
      const box = instance.box ?? (labelled && boxAroundJoints(labelled));
      yield {
        key: `${instance.image}#${order}`,
        imagePath: instance.image,
        uvd: null,
        ...(labelled ? { joints: labelled } : {}),
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
  });
}
