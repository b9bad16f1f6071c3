import { mirrorPairs } from '@shared/skeletons';
import { stringify } from 'yaml';
import type { ExportContext, ExportPlan, ExportSample, PlannedImage } from '../types';
import { ImagePaths, addSkip, cocoFlag, isPlaced, keypointBox } from './common';

/**
 * Ultralytics YOLO-pose: `data.yaml` (path ., train images/train, val images/val, kpt_shape [K, 3], flip_idx from
 * the skeleton's left/right pairs, names {0: person}, kpt_names) and per sample `images/<split>/<name>` (the source
 * image as it is) with `labels/<split>/<stem>.txt`: `0 cx cy w h` then K × `x y v`, normalised to the image size,
 * v as in COCO (0 absent, 1 occluded, 2 visible). Test samples go to val, the rest to train. One file pair per
 * sample: two people on one image become two image copies.
 */
export function planYolo(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const { skeleton } = context;
  const paths = new ImagePaths(context.datasets, true);
  const skipped: Record<string, number> = {};
  const images: PlannedImage[] = [];
  const files: { path: string; text: string }[] = [];
  for (const sample of samples) {
    if (!sample.joints) {
      addSkip(skipped, 'unlabelled');
      continue;
    }
    const split = sample.split === 'test' ? 'val' : 'train';
    const name = paths.pathOf(sample).replace(/\//g, '_');
    const { width, height } = sample;
    const [x, y, w, h] = keypointBox(sample.joints, width, height, sample.box);
    const numbers = [(x + w / 2) / width, (y + h / 2) / height, w / width, h / height];
    for (const joint of sample.joints) {
      if (isPlaced(joint)) numbers.push(joint.u / width, joint.v / height, cocoFlag(joint.visibility));
      else numbers.push(0, 0, 0);
    }
    images.push({ sample, path: `images/${split}/${name}` });
    files.push({
      path: `labels/${split}/${name.replace(/\.[^.]+$/, '')}.txt`,
      text: `0 ${numbers.map((n) => Number(n.toFixed(6))).join(' ')}\n`,
    });
  }
  const flip = skeleton.joints.map((_, j) => j);
  for (const [a, b] of mirrorPairs(skeleton)) [flip[a], flip[b]] = [b, a];
  const data = {
    path: '.',
    train: 'images/train',
    // Ultralytics needs a val set: without test samples it validates on the training images.
    val: images.some((image) => image.path.startsWith('images/val/')) ? 'images/val' : 'images/train',
    kpt_shape: [skeleton.joints.length, 3],
    flip_idx: flip,
    names: { 0: 'person' },
    kpt_names: { 0: [...skeleton.joints] },
  };
  return {
    kind: 'folder',
    files: [{ path: 'data.yaml', text: stringify(data, { flow: false }) }, ...files],
    images,
    samples: images.length,
    skipped,
    notes: [
      'coordinates are normalised to the image size and rounded to 6 decimals (< 0.01 px for images under 10,000 px)',
    ],
  };
}
