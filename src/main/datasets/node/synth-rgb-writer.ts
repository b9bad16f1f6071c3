import { MPII16 } from '@shared/skeletons';
import { encode } from 'fast-png';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic';
import { createHumanSynth, type HumanSynthFrame, type HumanSynthOptions } from '../synth-rgb/generate';
import { HUMAN_POSE_FAMILIES, type HumanPoseFamily } from '../synth-rgb/poses';

export interface HumanSynthSplit {
  name: 'train' | 'test';
  frames: number;
  /** Pose-family weights for this split (default: `synth.families`, else all families equally). */
  families?: Partial<Record<HumanPoseFamily, number>>;
}

export interface HumanSynthDatasetOptions {
  seed: number;
  /** Image size: square side or width × height (default 128). */
  size: number | { width: number; height: number };
  splits: HumanSynthSplit[];
  /** Everything else the generator takes (rotation ranges, occluders, noise…). */
  synth?: Partial<Omit<HumanSynthOptions, 'width' | 'height'>>;
  /** Called after each frame with (frames written, frames in all splits). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between frames; an abort rejects with the signal's reason before any JSON is written. */
  signal?: AbortSignal;
}

export const HUMAN_SYNTH_MANIFEST = 'poseloop-synth-rgb.json';
export const HUMAN_SYNTH_VERSION = 1;

export interface HumanSynthManifest {
  format: 'poseloop-synth-rgb';
  version: number;
  skeleton: 'mpii16';
  seed: number;
  width: number;
  height: number;
  splits: {
    name: 'train' | 'test';
    frames: number;
    families: Partial<Record<HumanPoseFamily, number>>;
    images: string;
    annotations: string;
  }[];
  /** Frames per family over all splits. */
  familyCounts: Partial<Record<HumanPoseFamily, number>>;
}

/** Keypoint and box values are written rounded to 1/100 px. */
const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Writes a synthetic RGB human-pose dataset as a COCO-keypoints folder:
 *
 *   <out>/images/<split>/000001.png                     RGB8 PNG, numbered from 1 per split
 *   <out>/annotations/person_keypoints_<split>.json     COCO keypoints: one person per image; category 1 'person'
 *                                                       with keypoints = the MPII16 joint names (internal order) and
 *                                                       skeleton = MPII16.edges, 1-based; per annotation keypoints
 *                                                       [x, y, v] (0-based px, integer = pixel centre; v 2 visible,
 *                                                       1 occluded), num_keypoints 16, bbox [x, y, w, h] (person box),
 *                                                       area = bbox w·h, iscrowd 0, and our extensions `head_box`
 *                                                       [x1, y1, x2, y2] (PCKh normaliser) and `poseloop_family`
 *   <out>/poseloop-synth-rgb.json                       HumanSynthManifest (seed, size, splits, families, version)
 *
 * `file_name` is the PNG's name inside images/<split>/ (COCO's convention). Frame k of the whole dataset (splits in
 * order) is drawn from `humanFrameSeed(seed, k)`, so the same options give byte-identical files and any frame can be
 * regenerated alone. The JSON files are written only after every image, atomically, and the manifest last: an
 * aborted or failed run leaves no annotation JSON or manifest (only PNGs).
 */
export async function writeHumanSynthDataset(
  out: string,
  options: Partial<HumanSynthDatasetOptions> = {},
): Promise<HumanSynthManifest> {
  const settings: HumanSynthDatasetOptions = {
    seed: 1,
    size: 128,
    splits: [{ name: 'train', frames: 100 }],
    ...options,
  };
  const { signal, onProgress } = settings;
  const { width, height } =
    typeof settings.size === 'number' ? { width: settings.size, height: settings.size } : settings.size;
  const names = settings.splits.map((split) => split.name);
  if (new Set(names).size !== names.length) throw new Error(`duplicate split names: ${names.join(', ')}`);
  const total = settings.splits.reduce((sum, split) => sum + split.frames, 0);
  const baseFamilies =
    settings.synth?.families ?? Object.fromEntries(HUMAN_POSE_FAMILIES.map((family) => [family, 1]));
  signal?.throwIfAborted();

  const documents: { path: string; text: string }[] = [];
  const manifestSplits: HumanSynthManifest['splits'] = [];
  const familyCounts: Partial<Record<HumanPoseFamily, number>> = {};
  const rgb = new Uint8Array(width * height * 3);
  let frameIndex = 0;
  for (const split of settings.splits) {
    const families = split.families ?? baseFamilies;
    const generator = createHumanSynth({ ...settings.synth, width, height, families });
    const imageDir = join(out, 'images', split.name);
    await mkdir(imageDir, { recursive: true });
    const images: unknown[] = [];
    const annotations: unknown[] = [];
    for (let i = 0; i < split.frames; i++, frameIndex++) {
      signal?.throwIfAborted();
      const frame = generator.frame(settings.seed, frameIndex);
      const id = i + 1;
      const fileName = `${String(id).padStart(6, '0')}.png`;
      toRgb(frame, rgb);
      await writeFile(join(imageDir, fileName), encode({ width, height, data: rgb, channels: 3, depth: 8 }));
      images.push({ id, file_name: fileName, width, height });
      annotations.push(cocoAnnotation(frame, id));
      familyCounts[frame.family] = (familyCounts[frame.family] ?? 0) + 1;
      onProgress?.(frameIndex + 1, total);
    }
    const annotationPath = `annotations/person_keypoints_${split.name}.json`;
    documents.push({
      path: annotationPath,
      text: JSON.stringify({
        info: {
          description: 'PoseLoop synthetic RGB people (MPII16 joints)',
          version: String(HUMAN_SYNTH_VERSION),
          poseloop: {
            format: 'poseloop-synth-rgb',
            seed: settings.seed,
            split: split.name,
            skeleton: MPII16.id,
          },
        },
        licenses: [],
        images,
        annotations,
        categories: [
          {
            id: 1,
            name: 'person',
            supercategory: 'person',
            keypoints: [...MPII16.joints],
            skeleton: MPII16.edges.map(([a, b]) => [a + 1, b + 1]),
          },
        ],
      }),
    });
    manifestSplits.push({
      name: split.name,
      frames: split.frames,
      families,
      images: `images/${split.name}`,
      annotations: annotationPath,
    });
  }
  signal?.throwIfAborted();
  for (const document of documents) await writeFileAtomic(join(out, document.path), document.text);
  const manifest: HumanSynthManifest = {
    format: 'poseloop-synth-rgb',
    version: HUMAN_SYNTH_VERSION,
    skeleton: 'mpii16',
    seed: settings.seed,
    width,
    height,
    splits: manifestSplits,
    familyCounts,
  };
  await writeFileAtomic(join(out, HUMAN_SYNTH_MANIFEST), JSON.stringify(manifest, null, 2));
  return manifest;
}

function toRgb(frame: HumanSynthFrame, rgb: Uint8Array): void {
  const { rgba } = frame;
  for (let i = 0, p = 0, q = 0; i < frame.width * frame.height; i++, p += 3, q += 4) {
    rgb[p] = rgba[q]!;
    rgb[p + 1] = rgba[q + 1]!;
    rgb[p + 2] = rgba[q + 2]!;
  }
}

function cocoAnnotation(frame: HumanSynthFrame, id: number): Record<string, unknown> {
  const keypoints: number[] = [];
  for (const joint of frame.joints)
    keypoints.push(round2(joint.u), round2(joint.v), joint.visibility === 'visible' ? 2 : 1);
  const bbox = frame.box.map(round2);
  return {
    id,
    image_id: id,
    category_id: 1,
    keypoints,
    num_keypoints: frame.joints.length,
    bbox,
    area: round2(bbox[2]! * bbox[3]!),
    iscrowd: 0,
    head_box: frame.headBox.map(round2),
    poseloop_family: frame.family,
  };
}
