import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';
import { SamplerId } from './rounds';

/**
 * Export formats. File formats (`out` is a file, a `<out>.manifest.json` sidecar is written beside it): coco, json3d,
 * csv, sleap (.slp), coco-results (predictions). Folder formats (`out` is a folder holding labels, copied images and
 * manifest.json): icvl, bighand, generic, dlc (a DeepLabCut project), yolo (YOLO-pose), and labelstudio (JSON) and
 * cvat (XML) unless `images` is false, which makes them a file format (the label file alone). Every format but
 * json3d, csv and coco-results is re-importable with `poseloop import --format <same>`.
 */
export const ExportFormat = z.enum([
  'coco',
  'json3d',
  'icvl',
  'bighand',
  'generic',
  'csv',
  'dlc',
  'sleap',
  'labelstudio',
  'cvat',
  'yolo',
  'coco-results',
]);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const EXPORT_FOLDER_FORMATS: readonly ExportFormat[] = ['icvl', 'bighand', 'generic', 'dlc', 'yolo'];

/** One label file naming the images: a folder with the images copied beside it, or (`images` false) the file alone. */
export const EXPORT_LABEL_FILE_FORMATS: readonly ExportFormat[] = ['labelstudio', 'cvat'];

/** Whether an export in `format` writes a folder (else one file and its sidecar manifest). */
export function exportWritesFolder(format: ExportFormat, images = true): boolean {
  return EXPORT_FOLDER_FORMATS.includes(format) || (images && EXPORT_LABEL_FILE_FORMATS.includes(format));
}

/** What an RGB (people) project can export: the depth formats need a depth image, a camera and millimetres. */
export const RGB_EXPORT_FORMATS: readonly ExportFormat[] = [
  'coco',
  'csv',
  'dlc',
  'sleap',
  'labelstudio',
  'cvat',
  'yolo',
  'coco-results',
];

export const LabelQcFlag = z.object({
  kind: z.enum(['unlikely-link', 'lr-swap']),
  /** The joints involved (the link's two ends, or the swapped pairs). */
  joints: z.array(z.number().int()),
  /**
   * unlikely-link: the link's robust z-score; lr-swap: how much the swap lowers the largest robust z of the links it
   * touches (0 when the prediction alone found it).
   */
  value: z.number(),
  /** unlikely-link only: the labelled length, the one the label's proportions suggest and the longest not flagged, image px. */
  lengthPx: z.number().optional(),
  expectedPx: z.number().optional(),
  limitPx: z.number().optional(),
  sentence: z.string(),
});
export type LabelQcFlag = z.infer<typeof LabelQcFlag>;

export const LabelQcReport = z.object({
  /** The heatmap model whose prediction the swap test used; null without one (lengths are checked all the same). */
  checkpointId: z.number().int().nullable(),
  checked: z.number().int(),
  /** Checked labels the model could not predict (no person box, unreadable image): no prediction swap test. */
  withoutPrediction: z.number().int(),
  /** The per-label false-alarm level of both tests together (α/2 each). */
  falseAlarm: z.number(),
  /**
   * Per link, how its log-proportions were calibrated on the checked labels (robust z = (x − median) / scale): from
   * that link's own values ('link'), from all links pooled ('labels'), or not at all ('none': too few labels).
   */
  calibration: z.array(
    z.object({
      link: z.string(),
      median: z.number(),
      scale: z.number(),
      links: z.number().int(),
      source: z.enum(['link', 'labels', 'none']),
    }),
  ),
  /** A link whose robust z exceeds this is flagged: Φ⁻¹(1 − falseAlarm / (2 · links per label)). */
  limitZ: z.number(),
  /** A swap must bring the links it touches down to this robust z: Φ⁻¹(1 − falseAlarm / 2). */
  swapZ: z.number(),
  /** The prediction swap test runs only when the prediction disagrees with at most `allowed` checked labels. */
  predictionSwaps: z.object({
    trusted: z.boolean(),
    disagreeing: z.number().int(),
    allowed: z.number().int(),
  }),
  /** Flagged samples, the largest robust z (the least plausible label) first. */
  flagged: z.array(z.object({ sampleId: z.number().int(), worstZ: z.number(), flags: z.array(LabelQcFlag) })),
});
export type LabelQcReport = z.infer<typeof LabelQcReport>;

/** An ISO date (`2024-05-01`, a whole day) or date-time. */
const DateBound = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: 'expected an ISO date or date-time, e.g. 2024-05-01 or 2024-05-01T12:00:00Z',
});

/** Which samples an export takes. Every filter narrows; none given = every labelled sample. */
export const ExportFilters = {
  split: z.enum(['train', 'pool', 'test', 'all']).default('all').describe('train, pool, test or all'),
  status: z
    .enum(['labelled', 'all'])
    .default('labelled')
    .describe(
      'labelled = annotation done (default); all = every sample (unfinished ones as their last done state, or unlabelled)',
    ),
  unreviewed: z
    .enum(['include', 'exclude'])
    .default('exclude')
    .describe(
      'joints still in the predicted state (saved without review): exclude = written as unlabelled (COCO v = 0) (default); include = count as labels',
    ),
  roundId: z.number().int().positive().optional().describe('only samples this round selected'),
  sampler: SamplerId.optional().describe('only samples selected by a round of this sampler'),
  annotator: z.string().min(1).optional().describe('only samples this annotator edited'),
  datasetId: z.number().int().positive().optional().describe('only samples of this dataset'),
  updatedFrom: DateBound.optional().describe('annotation updated at or after (ISO date or date-time)'),
  updatedTo: DateBound.optional().describe(
    'annotation updated at or before (a date includes that whole day)',
  ),
};

export const ExportFilterSchema = z.object(ExportFilters);
export type ExportFilterInput = z.output<typeof ExportFilterSchema>;

export const ExportPreview = z.object({
  samples: z.number().int(),
  bySplit: z.record(z.string(), z.number().int()),
  byStatus: z.record(z.string(), z.number().int()),
  byRound: z.array(
    z.object({
      roundId: z.number().int().nullable(),
      number: z.number().int().nullable(),
      sampler: z.string().nullable(),
      samples: z.number().int(),
    }),
  ),
  byAnnotator: z.array(z.object({ annotator: z.string().nullable(), samples: z.number().int() })),
  /** Samples whose exported joints include unreviewed (still predicted) ones, and how many such joints. */
  unreviewed: z.object({ samples: z.number().int(), joints: z.number().int() }),
  /** Present when a format was given: how many samples that format can hold, and why the others would be left out. */
  exportable: z.number().int().optional(),
  skipped: z.record(z.string(), z.number().int()).optional(),
});
export type ExportPreview = z.infer<typeof ExportPreview>;

export const ExportResult = z.object({
  out: z.string(),
  format: ExportFormat,
  /** Label, provenance and manifest files written (absolute paths); copied images are counted in `images`. */
  files: z.array(z.string()),
  images: z.number().int(),
  samples: z.number().int(),
  /** Samples matched by the filters that the format cannot hold, by reason (e.g. absent-joints for ICVL). */
  skipped: z.record(z.string(), z.number().int()),
  /** SHA-256 (hex): of the data file (file formats), or of the sorted `sha256  path` listing (folder formats). */
  checksum: z.string(),
  manifest: z.string(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const exportOperations = defineOperations({
  'export.run': {
    summary:
      'Export the labelled subset (filters) as COCO keypoints, 3D JSON, ICVL, BigHand, generic folder, CSV, DeepLabCut, SLEAP, Label Studio, CVAT, YOLO-pose or COCO results, with provenance and a checksummed manifest.',
    input: projectInput({
      format: ExportFormat.describe(
        'coco, json3d, icvl, bighand, generic, csv, dlc, sleap, labelstudio, cvat, yolo or coco-results',
      ),
      out: z
        .string()
        .min(1)
        .describe(
          'output folder (icvl, bighand, generic, dlc, yolo, labelstudio, cvat) or file (coco, json3d, csv, sleap, coco-results; labelstudio and cvat with --no-images)',
        ),
      force: z.boolean().default(false).describe('replace an existing output'),
      images: z
        .boolean()
        .default(true)
        .describe(
          'labelstudio, cvat: the export folder holds the images (images/) where the label file names them; --no-images writes the label file alone, naming images by their path in the dataset',
        ),
      scorer: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ or - (it becomes part of a file name)')
        .default('poseloop')
        .describe('dlc: the scorer (experimenter) of config.yaml and CollectedData_<scorer>.csv'),
      ...ExportFilters,
    }),
    output: ExportResult,
    mutates: false,
    job: true,
    cli: { command: 'export', positional: ['project'] },
  },
  'export.preview': {
    summary: 'What an export with these filters would contain: counts by split, status, round and annotator.',
    input: projectInput({
      format: ExportFormat.optional().describe('also count what this format would leave out'),
      ...ExportFilters,
    }),
    output: ExportPreview,
    mutates: false,
  },
  'labels.qc': {
    summary:
      'Label QC before export (RGB): flag human labels with a limb too long for the person’s own proportions, or left and right swapped (lengths in image px; the latest heatmap model’s prediction helps with swaps).',
    input: projectInput({
      split: z.enum(['train', 'test', 'all']).default('all').describe('which labelled samples to check'),
      falseAlarm: z
        .number()
        .gt(0)
        .max(0.2)
        .default(0.01)
        .describe('per-label false-alarm level (0.01: a correct label is flagged with probability ≈ 1 %)'),
    }),
    output: LabelQcReport,
    mutates: false,
    job: true,
    cli: { command: 'qc', positional: ['project'] },
  },
});
