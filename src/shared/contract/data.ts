import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput, Viewpoints } from './common';

export const ImportFormat = z.enum([
  'icvl',
  'nyu',
  'bighand',
  'msra',
  'generic',
  'unlabelled',
  'lsp',
  'mpii',
  'coco',
  'rgb-folder',
  'dlc',
  'sleap',
  'labelstudio',
  'cvat',
  'yolo',
  'video',
]);

/** Formats whose root may also be the label file itself (read alone; images resolve from its folder). */
export const IMPORT_LABEL_FILE_FORMATS: readonly z.infer<typeof ImportFormat>[] = [
  'mpii',
  'coco',
  'sleap',
  'labelstudio',
  'cvat',
  'yolo',
];

export const ImportSummary = z.object({
  datasetId: z.number().int(),
  imported: z.number().int(),
  /** Already in the project (same dataset and key): re-importing never duplicates. */
  duplicates: z.number().int(),
  skipped: z.number().int(),
  skippedByReason: z.record(z.string(), z.number().int()),
  /** Other tools' predictions stored as suggestions (SLEAP predicted instances, Label Studio predictions…). */
  predictions: z.number().int(),
  /** The project's skeleton after the import (a custom one when the files defined it). */
  skeleton: z.object({ id: z.string(), name: z.string(), joints: z.number().int() }),
  errors: z.array(z.object({ file: z.string(), line: z.number().int().nullable(), message: z.string() })),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const ImageMeta = z.object({
  width: z.number().int(),
  height: z.number().int(),
  modality: z.enum(['depth', 'rgb']),
  /** `depth16le`: width×height little-endian uint16 millimetres, 0 = no reading. `rgba8`: width×height×4 bytes. */
  encoding: z.enum(['depth16le', 'rgba8']),
});
export type ImageMeta = z.infer<typeof ImageMeta>;

export const dataOperations = defineOperations({
  'dataset.import': {
    summary:
      'Import a dataset folder (labels + images) or a video; bad lines are reported with file and line, the rest goes on.',
    input: projectInput({
      format: ImportFormat.describe(
        'depth: icvl, nyu, bighand, msra, generic or unlabelled; RGB: lsp, mpii (HRNet/mmpose JSON), coco, rgb-folder, dlc (DeepLabCut project), sleap (.slp), labelstudio (JSON export), cvat (CVAT for images 1.1 XML), yolo (YOLO-pose data.yaml) or video (a video file)',
      ),
      root: z
        .string()
        .min(1)
        .describe(
          'dataset folder, or its label file (mpii, coco: .json; sleap: .slp; labelstudio: .json; cvat: .xml; yolo: data.yaml); video: the video file',
        ),
      split: z
        .enum(['auto', 'train', 'pool', 'test'])
        .default('auto')
        .describe(
          "where samples go: auto = the dataset's own train/test split, labelled train → labelled set",
        ),
      hideLabels: z
        .boolean()
        .default(false)
        .describe('keep imported labels hidden as the oracle (pool samples of a simulation)'),
      name: z.string().min(1).max(200).optional().describe('dataset display name'),
      frames: z.number().int().min(1).max(10_000).default(20).describe('video: how many frames to extract'),
      pick: z
        .enum(['uniform', 'kmeans'])
        .default('uniform')
        .describe('video: frames evenly spread, or one per k-means cluster of similar frames'),
      seed: z.number().int().default(1).describe('video: k-means seed'),
      camera: z
        .enum(['icvl', 'nyu', 'bighand', 'msra'])
        .optional()
        .describe('depth camera preset, for folders without one (unlabelled)'),
      intrinsics: z
        .string()
        .regex(/^\s*[\d.]+(\s*,\s*[\d.]+){5}\s*$/, 'give fx,fy,cx,cy,width,height (six numbers)')
        .optional()
        .describe('depth camera as fx,fy,cx,cy,width,height (instead of --camera)'),
    }),
    output: ImportSummary,
    mutates: true,
    job: true,
    topics: ['samples', 'project'],
    cli: { command: 'import', positional: ['project'] },
  },
  'synth.generate': {
    summary: 'Write a synthetic depth-hand dataset (ICVL-style folder + poseloop-synth.json) for import.',
    input: z.object({
      out: z.string().min(1).describe('output folder'),
      frames: z.number().int().min(1).max(1_000_000).default(500).describe('number of frames'),
      seed: z.number().int().default(1).describe('random seed'),
      families: z
        .string()
        .optional()
        .describe('comma-separated pose families (open, fist, point, pinch, grasp, random)'),
      camera: z.enum(['icvl', 'nyu', 'bighand']).default('icvl').describe('camera intrinsics preset'),
      viewpoints: Viewpoints,
    }),
    output: z.object({ out: z.string(), frames: z.number().int(), framesPerSecond: z.number() }),
    mutates: false,
    job: true,
    cli: { command: 'synth', positional: ['out'] },
  },
  'sample.image': {
    summary: 'The source image of a sample as raw pixels (depth in mm, or RGBA).',
    input: projectInput({ sampleId: z.number().int().positive() }),
    output: z.object({ meta: ImageMeta, bytes: z.instanceof(Uint8Array) }),
    mutates: false,
    binary: true,
  },
});
