import { uvdToXyz } from '@shared/camera';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { ImagePaths, isPlaced, provenanceOf } from './common';

/**
 * PoseLoop's 3D JSON: per sample and joint the image-space position (u px, v px, d mm), the camera-frame position
 * (x, y, z mm through the dataset's intrinsics: x right, y down, z forward), visibility and state; the camera
 * intrinsics per dataset; provenance per sample. Absent joints have null positions.
 */
export function planJson3d(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const paths = new ImagePaths(context.datasets);
  const document = {
    format: 'poseloop-json3d',
    version: 1,
    createdAt: context.createdAt,
    appVersion: context.appVersion,
    project: context.project,
    filters: context.filters,
    skeleton: {
      id: context.skeleton.id,
      joints: [...context.skeleton.joints],
      edges: context.skeleton.edges.map(([a, b]) => [a, b]),
    },
    datasets: [...context.datasets.values()].map((dataset) => ({
      id: dataset.id,
      name: dataset.name,
      format: dataset.format,
      root: dataset.root,
      intrinsics: dataset.intrinsics,
      cubeMm: dataset.cubeMm,
    })),
    samples: samples.map((sample) => {
      const intrinsics = context.datasets.get(sample.datasetId)?.intrinsics ?? null;
      return {
        id: sample.sampleId,
        datasetId: sample.datasetId,
        image: paths.pathOf(sample),
        source: sample.imagePath,
        width: sample.width,
        height: sample.height,
        split: sample.split,
        joints:
          sample.joints?.map((joint, index) => {
            const placed = isPlaced(joint) && joint.d !== null;
            return {
              name: context.skeleton.joints[index] ?? String(index),
              uvd: placed ? [joint.u, joint.v, joint.d] : null,
              xyz:
                placed && intrinsics
                  ? Array.from(uvdToXyz(intrinsics, [joint.u!, joint.v!, joint.d!]))
                  : null,
              visibility: joint.visibility,
              state: joint.state,
            };
          }) ?? null,
        provenance: provenanceOf(sample, context),
      };
    }),
  };
  return {
    kind: 'file',
    files: [{ path: '', text: JSON.stringify(document) }],
    images: [],
    samples: samples.length,
    skipped: {},
    notes: [],
  };
}
