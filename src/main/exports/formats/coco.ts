import { skeletonLinks } from '@shared/skeletons';
import { uvdToXyz } from '@shared/camera';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { cocoFlag, ImagePaths, isPlaced, keypointBox, provenanceOf } from './common';

/**
 * COCO keypoints JSON (formats.md §4.1): one image per sample, one annotation per labelled sample, one category
 * with the skeleton's joint names and 1-based edges. `keypoints` are x, y, v triples (v 0 absent, 1 occluded,
 * 2 visible; absent joints are 0, 0, 0). A joint outside the image (u < 0, v < 0, u > width or v > height: it can be
 * dragged or predicted there) is written 0, 0, 0 too, as COCO has no position for it: v = 0, not clamped onto the
 * border, which would invent a visible point; its `keypoints_3d` keeps the 3-D position. Our extensions, ignored by pycocotools: per annotation `keypoints_3d`
 * (camera-frame mm, 0, 0, 0 for absent joints; depth only) and `provenance`; per image `intrinsics` and `poseloop`
 * (sample id, dataset, source path, split). `file_name` is the export path of the image (`ds001-<dataset>/…`; the
 * manifest maps each dataset folder to its root).
 */
export function planCoco(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const paths = new ImagePaths(context.datasets);
  const { skeleton } = context;
  const images: unknown[] = [];
  const annotations: unknown[] = [];
  for (const sample of samples) {
    const dataset = context.datasets.get(sample.datasetId);
    const intrinsics = dataset?.intrinsics ?? null;
    images.push({
      id: sample.sampleId,
      file_name: paths.pathOf(sample),
      width: sample.width,
      height: sample.height,
      ...(intrinsics
        ? { intrinsics: { fx: intrinsics.fx, fy: intrinsics.fy, cx: intrinsics.cx, cy: intrinsics.cy } }
        : {}),
      poseloop: {
        sampleId: sample.sampleId,
        datasetId: sample.datasetId,
        source: sample.imagePath,
        split: sample.split,
      },
    });
    if (!sample.joints) continue;
    const keypoints: number[] = [];
    const keypoints3d: number[] = [];
    for (const joint of sample.joints) {
      const placed = isPlaced(joint) && insideImage(joint, sample);
      keypoints.push(placed ? joint.u : 0, placed ? joint.v : 0, placed ? cocoFlag(joint.visibility) : 0);
      if (isPlaced(joint) && joint.d !== null && intrinsics)
        keypoints3d.push(...uvdToXyz(intrinsics, [joint.u, joint.v, joint.d]));
      else keypoints3d.push(0, 0, 0);
    }
    const bbox = keypointBox(
      sample.joints.filter((j) => insideImage(j, sample)),
      sample.width,
      sample.height,
      sample.box,
    );
    annotations.push({
      id: sample.sampleId,
      image_id: sample.sampleId,
      category_id: 1,
      keypoints,
      num_keypoints: keypoints.filter((_, i) => i % 3 === 2 && keypoints[i]! > 0).length,
      bbox,
      area: bbox[2] * bbox[3],
      iscrowd: 0,
      ...(sample.modality === 'depth' && intrinsics ? { keypoints_3d: keypoints3d } : {}),
      provenance: provenanceOf(sample, context),
    });
  }
  const coco = {
    info: {
      description: `PoseLoop export of ${context.project.name}`,
      version: context.appVersion,
      year: Number(context.createdAt.slice(0, 4)),
      date_created: context.createdAt,
      poseloop: { format: 'coco', skeleton: skeleton.id, project: context.project, filters: context.filters },
    },
    licenses: [],
    images,
    annotations,
    categories: [
      {
        id: 1,
        name: skeleton.kind === 'hand' ? 'hand' : 'person',
        supercategory: skeleton.kind === 'hand' ? 'hand' : 'person',
        keypoints: [...skeleton.joints],
        skeleton: skeletonLinks(skeleton).map(([a, b]) => [a + 1, b + 1]),
      },
    ],
  };
  return {
    kind: 'file',
    files: [{ path: '', text: JSON.stringify(coco) }],
    images: [],
    samples: samples.length,
    skipped: {},
    notes: [
      'COCO bbox: visible keypoints (else all labelled ones) + max(4 px, 10 % of the longer side), clipped to the image',
    ],
  };
}

/** Inside the image, edges included (COCO pixel coordinates run from 0 to width and height). */
function insideImage(joint: { u: number | null; v: number | null }, size: { width: number; height: number }) {
  const { u, v } = joint;
  return u !== null && v !== null && u >= 0 && v >= 0 && u <= size.width && v <= size.height;
}
