import type { Joint } from '@shared/domain';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import {
  isPlaced,
  keypointBox,
  labelledByImage,
  meanConfidence,
  predictedPoints,
  provenanceOf,
} from './common';
import { LabelFileExport } from './label-file';

/** Our extension on a keypoint's value (Label Studio has no visibility), read back by datasets/formats/labelstudio.ts. */
const OCCLUDED_KEY = 'poseloop_visibility';

/**
 * Label Studio JSON (formats.md §4.4): `tasks.json` with one task per image beside `images/` (label-file.ts),
 * `data.image` = `/data/local-files/?d=images/<…>`, relative to the export folder (Label Studio's local-files document
 * root); without images the JSON alone, `d=<path in the dataset>` (serve the dataset folder). Each person is a
 * `rectanglelabels` region "person" (its box) with its keypoints as `keypointlabels` children (`parentID`), x / y in
 * percent. Label Studio keeps no visibility: absent joints are left out, occluded ones carry
 * `value.poseloop_visibility: "occluded"` (read back by PoseLoop, ignored by Label Studio). A sample's prediction goes
 * under `predictions` with the model version and the mean joint confidence as `score`.
 */
export function planLabelStudio(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const output = new LabelFileExport(context, 'tasks.json');
  const skipped: Record<string, number> = {};
  const tasks: unknown[] = [];
  let written = 0;
  for (const labelled of labelledByImage(samples, skipped)) {
    written += labelled.length;
    const first = labelled[0]!;
    const predictions = labelled.flatMap((sample, p) => {
      const points = predictedPoints(sample);
      if (!points) return [];
      const joints = points.map((point): Joint =>
        point
          ? { u: point.u, v: point.v, d: null, visibility: 'visible', state: 'predicted' }
          : { u: null, v: null, d: null, visibility: 'absent', state: 'predicted' },
      );
      const score = meanConfidence(points);
      return [
        {
          model_version: `checkpoint ${sample.prediction!.checkpointId ?? 'unknown'}`,
          score,
          result: personResults(
            sample,
            joints,
            `p${p}`,
            context,
            points.map((point) => point?.confidence ?? 0),
          ),
        },
      ];
    });
    tasks.push({
      data: {
        image: `/data/local-files/?d=${encodeURIComponent(output.imagePath(first)).replace(/%2F/g, '/')}`,
        poseloop: { sampleIds: labelled.map((sample) => sample.sampleId), datasetId: first.datasetId },
      },
      annotations: [
        {
          result: labelled.flatMap((sample, p) => personResults(sample, sample.joints, `a${p}`, context)),
          provenance: labelled.map((sample) => provenanceOf(sample, context)),
        },
      ],
      ...(predictions.length > 0 ? { predictions } : {}),
    });
  }
  return output.plan(JSON.stringify(tasks), {
    samples: written,
    skipped,
    notes: [
      'Label Studio has no visibility: occluded keypoints carry value.poseloop_visibility = "occluded" (PoseLoop reads it back)',
      output.copiesImages
        ? 'data.image is /data/local-files/?d=images/<path>, relative to this folder: serve it as Label Studio local-files storage (LOCAL_FILES_DOCUMENT_ROOT = this folder, storage path = its images/)'
        : 'data.image is /data/local-files/?d=<path relative to the dataset folder>',
    ],
  });
}

function personResults(
  sample: ExportSample,
  joints: readonly Joint[],
  id: string,
  context: ExportContext,
  scores?: readonly number[],
) {
  const { width, height } = sample;
  const common = { to_name: 'image', original_width: width, original_height: height, image_rotation: 0 };
  const [x, y, w, h] = keypointBox(joints, width, height, sample.box);
  const box = {
    ...common,
    id: `${id}-box`,
    from_name: 'label',
    type: 'rectanglelabels',
    value: {
      x: (100 * x) / width,
      y: (100 * y) / height,
      width: (100 * w) / width,
      height: (100 * h) / height,
      rotation: 0,
      rectanglelabels: ['person'],
    },
  };
  const points = joints.flatMap((joint, j) =>
    isPlaced(joint)
      ? [
          {
            ...common,
            id: `${id}-${j}`,
            parentID: box.id,
            from_name: 'keypoints',
            type: 'keypointlabels',
            ...(scores ? { score: scores[j] } : {}),
            value: {
              x: (100 * joint.u) / width,
              y: (100 * joint.v) / height,
              width: 0.5,
              keypointlabels: [context.skeleton.joints[j]],
              ...(joint.visibility === 'occluded' ? { [OCCLUDED_KEY]: 'occluded' } : {}),
            },
          },
        ]
      : [],
  );
  return [box, ...points];
}
