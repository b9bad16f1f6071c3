import { AppError } from '@shared/errors';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { ImagePaths, isPlaced, provenanceOf } from './common';

/** The manifest file the generic importer looks for first (datasets/formats/generic.ts). */
export const GENERIC_EXPORT_MANIFEST = 'poseloop-dataset.json';

/**
 * The generic folder format (the manifest the generic importer reads): `poseloop-dataset.json` with format
 * 'poseloop-dataset', version 1, name, skeleton, intrinsics, cubeMm and inline frames `{image, uvd, split}`, where uvd
 * is flat (u, v, d) per joint with null entries for absent joints, or null for an unlabelled frame; images beside it.
 * Extra per-frame keys, ignored by the importer: `visibility` and `state` per joint, `sampleId`, `provenance`.
 * One manifest has one camera: samples from datasets with different intrinsics are refused (filter by dataset).
 */
export function planGeneric(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const datasetIds = [...new Set(samples.map((sample) => sample.datasetId))];
  const datasets = datasetIds.map((id) => context.datasets.get(id)!);
  const first = datasets[0];
  const intrinsics = first?.intrinsics;
  if (!intrinsics) {
    throw new AppError('unsupported', 'the generic format needs depth data with camera intrinsics', 'format');
  }
  const mixed = datasets.filter(
    (dataset) => JSON.stringify(dataset.intrinsics) !== JSON.stringify(intrinsics),
  );
  if (mixed.length > 0) {
    throw new AppError(
      'invalid_input',
      `a generic folder has one camera, but ${first.name} and ${mixed[0]!.name} have different intrinsics; ` +
        'export one dataset at a time (datasetId) or use json3d',
      'datasetId',
    );
  }
  const paths = new ImagePaths(context.datasets);
  const frames = samples.map((sample) => {
    const path = paths.pathOf(sample);
    return {
      sample,
      path,
      frame: {
        image: path,
        uvd:
          sample.joints?.flatMap((joint) =>
            isPlaced(joint) && joint.d !== null ? [joint.u, joint.v, joint.d] : [null, null, null],
          ) ?? null,
        ...(sample.split === 'test' ? { split: 'test' } : sample.joints ? { split: 'train' } : {}),
        visibility: sample.joints?.map((joint) => joint.visibility) ?? null,
        state: sample.joints?.map((joint) => joint.state) ?? null,
        sampleId: sample.sampleId,
        provenance: provenanceOf(sample, context),
      },
    };
  });
  const manifest = {
    format: 'poseloop-dataset',
    version: 1,
    name: `${context.project.name} export`,
    skeleton: context.skeleton.id,
    intrinsics,
    cubeMm: first.cubeMm ?? 300,
    frames: frames.map((entry) => entry.frame),
  };
  return {
    kind: 'folder',
    files: [{ path: GENERIC_EXPORT_MANIFEST, text: JSON.stringify(manifest) }],
    images: frames.map(({ sample, path }) => ({ sample, path })),
    samples: samples.length,
    skipped: {},
    notes: [
      'the generic importer reads uvd, split and per-joint visibility; per-joint state is kept for other readers',
    ],
  };
}
