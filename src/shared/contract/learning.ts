import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput, Viewpoints } from './common';

export const Variant = z.enum(['plain', 'A', 'B', 'C']);
export const Preset = z.enum(['auto', 'paper', 'fast']);

/**
 * The settings of the learning loop, each default stated here once: `train`, `predict`, `round` and `simulate` pick
 * the fields they take (`.pick`), and the app and loop layers use the inferred types.
 */
export const LearningSettings = z.object({
  variant: Variant.default('A').describe('plain, A, B or C (dropout placement)'),
  preset: Preset.default('auto').describe('paper, fast, or auto (fast on CPU backends)'),
  epochs: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('train exactly this many epochs, no early stopping (default: early stopping)'),
  patience: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('early stopping: epochs without a better validation loss before training stops'),
  maxEpochs: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe(
      'early stopping: the most epochs (raised where a small set needs more to reach its step floor)',
    ),
  fromScratch: z
    .boolean()
    .default(false)
    .describe(
      'train fresh weights (the papers’ protocol) instead of fine-tuning the latest compatible model',
    ),
  seed: z.number().int().default(1).describe('random seed'),
  workers: z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'data-parallel training threads (default one per core); the same seed and count give the same weights',
    ),
  unreviewed: z
    .enum(['exclude', 'include'])
    .default('exclude')
    .describe(
      'joints saved without review (still "predicted"): left out of training (exclude) or trained on',
    ),
  loss: z
    .enum(['reference', 'gaussian'])
    .default('reference')
    .describe('reference (attenuated L1 + MSE) or gaussian'),
  augment: z
    .boolean()
    .default(true)
    .describe(
      'depth training crops get a fresh random in-plane turn (±10°), scale (±5 %) and centre jitter (10 mm) per sample and epoch',
    ),
  refine: z
    .boolean()
    .default(true)
    .describe(
      'depth: predict twice, the second crop re-centred on the first prediction’s joints (trains on detector and joint-centred crops)',
    ),
  mc: z.number().int().min(1).max(500).default(20).describe('MC-dropout passes M'),
  subset: z.number().gt(0).max(1).default(1).describe('fraction of the pool scored (the paper uses 0.1)'),
  eta: z.number().min(0).max(10).default(0.3).describe('CKE uncertainty weight'),
  features: z
    .enum(['pose', 'crop'])
    .default('pose')
    .describe(
      'depth CoreSet/CKE distances: pose = skeletons each relative to its own centre; crop = the reference’s crop-relative form',
    ),
});
export type LearningSettings = z.infer<typeof LearningSettings>;

/** The fields every training takes, in `train` and in acquisition steps alike (rounds, simulate). */
const TRAINING_FIELDS = {
  variant: true,
  preset: true,
  epochs: true,
  patience: true,
  maxEpochs: true,
  fromScratch: true,
  seed: true,
  workers: true,
  unreviewed: true,
  augment: true,
  refine: true,
} as const;

/** What training takes: the model settings. */
export const TrainSettings = LearningSettings.pick({ ...TRAINING_FIELDS, loss: true });
export type TrainSettings = z.infer<typeof TrainSettings>;

/** What an acquisition step takes beyond training: MC passes, the scored fraction of the pool, η. */
export const AcquireSettings = LearningSettings.pick({
  ...TRAINING_FIELDS,
  mc: true,
  subset: true,
  eta: true,
  features: true,
});
export type AcquireSettings = z.infer<typeof AcquireSettings>;

/** Fractions of true joints inside the k·σ rings (a 2-D Gaussian: 39.3 % at 1σ, 86.5 % at 2σ). */
const RingCoverage = z.object({ within1Sigma: z.number(), within2Sigma: z.number() });

/** One σ's calibration: the scale shown rings are multiplied by, fitted so that their coverage matches a Gaussian's. */
export const UncertaintyCalibration = z.object({
  scale: z.number(),
  /** Joints with a usable error/σ ratio (σ > 0). */
  joints: z.number().int(),
  before: RingCoverage,
  after: RingCoverage,
});

/**
 * What an annotator will face, on the labelled validation split (never the test split): distance of the suggested
 * joints to the truth, and the calibration of the uncertainty rings (null where the model gives no such σ).
 */
export const ValidationReport = z.object({
  samples: z.number().int(),
  joints: z.number().int(),
  /** Median 3-D joint error (mm; depth models only) and image-plane error (image px). */
  medianErrorMm: z.number().nullable(),
  medianErrorPx: z.number(),
  /** Share of joints at most 10 image px from the truth. */
  within10Px: z.number(),
  /** Epistemic (MC-dropout) σ: the rings and `Accept σ < τ`. */
  sigma: UncertaintyCalibration.nullable(),
  /** Aleatoric σ (the dashed rings). */
  aleatoric: UncertaintyCalibration.nullable(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

const TrainResultBase = z.object({
  backend: z.string(),
  checkpoint: z.string(),
  checkpointId: z.number().int(),
  trainSamples: z.number().int(),
  testSamples: z.number().int(),
  trainSamplesPerSecond: z.number(),
  trainWorkers: z.number().int().describe('data-parallel training threads'),
  /** The fixed epoch count (--epochs), or the cap under early stopping. */
  epochs: z.number().int(),
  /** Epochs that ran (the last one may be partial when early stopping ended it mid-epoch). */
  epochsRun: z.number().int(),
  stoppedEarly: z.boolean(),
  /** Epoch of the kept weights (0: the starting checkpoint was never beaten); null without a validation split. */
  bestEpoch: z.number().int().nullable(),
  /** The checkpoint this model was fine-tuned from (id 0: not in the project's database); null: fresh weights. */
  initialCheckpoint: z.object({ id: z.number().int(), path: z.string() }).nullable(),
  preset: z.string(),
  /** Suggestion quality and σ calibration on the validation split; null with no validation split (< 10 labels). */
  validation: ValidationReport.nullable(),
});

/** A depth (DeepPrior) model's training: errors in mm on the test split. */
export const DepthTrainResult = TrainResultBase.extend({
  model: z.literal('deepprior'),
  variant: Variant,
  /** Mean 3-D joint error on the test split (mm), through the exact inverse normalisation. */
  testErrorMm: z.number().nullable(),
  /** The error of always predicting the training set's mean pose, same test split. */
  meanPoseErrorMm: z.number().nullable(),
  /** Fraction of test frames whose worst joint is within 20 / 40 mm. */
  framesWithin20Mm: z.number().nullable(),
  framesWithin40Mm: z.number().nullable(),
  perJointErrorMm: z.array(z.number()),
  /** How crops were centred: the detector's centre, or re-centred on a first prediction (see `refine`). */
  centring: z.enum(['detector', 'refined']),
  /** Test error of the first stage alone (crops at the detector's centre); equals testErrorMm without refinement. */
  detectorTestErrorMm: z.number().nullable(),
  /** Mean distance (mm) from the crop centre to the labelled joints' centroid on the test split, per centring. */
  centreErrorMm: z.object({ detector: z.number(), refined: z.number().nullable() }).nullable(),
});
export type DepthTrainResult = z.infer<typeof DepthTrainResult>;

/** An RGB (heatmap) model's training: PCKh on the test split. */
export const HeatmapTrainResult = TrainResultBase.extend({
  model: z.literal('hourglass'),
  /** PCKh@0.5, standard definition, on the test split (null without one). */
  testPckh: z.number().nullable(),
  /** PCKh@0.5 of always predicting the training set's mean pose (in crop coordinates). */
  meanPosePckh: z.number().nullable(),
  /** The reference code's variant: full head diagonal, threshold 0.3 (≈ standard 0.5), every joint. */
  testPckhReference: z.number().nullable(),
  /** PCKh@0.5 counting a joint found on its mirror partner (either wrist): the gap to testPckh is left/right confusion. */
  testPckhIgnoringSides: z.number().nullable(),
  perJointPckh: z.array(z.number()),
});
export type HeatmapTrainResult = z.infer<typeof HeatmapTrainResult>;

/** A training run's result, told apart by `model`. */
export const TrainResult = z.discriminatedUnion('model', [DepthTrainResult, HeatmapTrainResult]);
export type TrainResult = z.infer<typeof TrainResult>;

/** A prediction in image space: per joint u, v (px), d (mm), and its uncertainties. */
export const PredictionView = z.object({
  id: z.number().int(),
  roundId: z.number().int().nullable(),
  passes: z.number().int(),
  joints: z.array(
    z.object({
      /** Null where the model made no suggestion for the joint (see `source.unpredicted`). */
      u: z.number().nullable(),
      v: z.number().nullable(),
      d: z.number(),
      /**
       * Epistemic std: in the image plane (px, the larger of u and v) and in depth (mm). Null stdPx: the model gives
       * no uncertainty (a pretrained detector), so no ring is drawn and "accept σ < τ" never takes the joint.
       */
      stdPx: z.number().nullable(),
      stdMm: z.number(),
      /** Aleatoric std in px (from the log-variance head), null for a plain model. */
      aleatoricPx: z.number().nullable(),
    }),
  ),
  loglik: z.number().nullable(),
  /** Heatmap models only: the VL4Pose refinement and per-link terms (null for depth models). */
  details: z
    .object({
      /** The max-product configuration over peaks (§4.7): per joint the suggested position, null = same as `joints`. */
      refined: z.array(z.object({ u: z.number(), v: z.number() }).nullable()),
      /** Per link (skeleton edge order) the log-likelihood of the predicted pose's link length. */
      links: z.array(z.object({ parent: z.number().int(), child: z.number().int(), loglik: z.number() })),
      /** Joints whose second peak is at least half as high as the first: the network is torn. */
      ambiguous: z.array(z.object({ joint: z.number().int(), ratio: z.number() })),
    })
    .nullable(),
  /**
   * Which model made it: the project's own (a round or `train`), a shipped pretrained one (zero-shot), or another
   * tool whose predictions were imported with the dataset (SLEAP, Label Studio, DeepLabCut…).
   */
  source: z.object({
    kind: z.enum(['project', 'pretrained', 'imported']),
    /** "round 3", "model #4", the pretrained model's name ("MoveNet Thunder") or the tool's ("SLEAP"). */
    label: z.string(),
    /** Joints the model does not have and derived by a documented rule (pretrained human models). */
    derived: z.array(z.number().int()),
    /** Joints the model left out (no keypoint, no confident inputs for a rule): no suggestion there. */
    unpredicted: z.array(z.number().int()),
  }),
  /**
   * The project's model is shown, but a shipped pretrained model scored higher on the test split and has no
   * suggestion for this sample yet: the annotate view asks it for one (model.zeroShot), which then wins.
   */
  pretrainedScoresHigher: z.boolean(),
  createdAt: z.string(),
});
export type PredictionView = z.infer<typeof PredictionView>;

const RgbZeroShotResult = z.object({
  modality: z.literal('rgb'),
  /** Samples that received a suggestion; `skipped`: no person box (nor a label to make one from), or an unreadable image. */
  predicted: z.number().int(),
  skipped: z.number().int(),
  model: z.string(),
  backend: z.string(),
  /** PCKh@0.5 (standard, head segment) over the predicted samples that carry labels; null without any. */
  evaluated: z.number().int(),
  pckh: z.number().nullable(),
  perJointPckh: z.array(z.number().nullable()),
  /** The same on the test split only: what decides whether these suggestions beat the project's own model. */
  testPckh: z.number().nullable(),
  /** The test split's PCKh@0.5 counting a joint found on its mirror partner (null when not scored this call). */
  testPckhIgnoringSides: z.number().nullable(),
  derivedJoints: z.array(z.string()),
  seconds: z.number(),
});
/** Depth hands: the shipped synthetic-hand model's suggestions, scored as mean 3-D joint error (mm) where labelled. */
const DepthZeroShotResult = z.object({
  modality: z.literal('depth'),
  predicted: z.number().int(),
  skipped: z.number().int(),
  model: z.string(),
  backend: z.string(),
  evaluated: z.number().int(),
  errorMm: z.number().nullable(),
  /** On the labelled test split (scored on first use): what decides against the project's own model. */
  testErrorMm: z.number().nullable(),
  /** The project's joints the hand model has no counterpart for (left without a suggestion). */
  unpredictedJoints: z.array(z.string()),
  seconds: z.number(),
});
export const ZeroShotResult = z.discriminatedUnion('modality', [RgbZeroShotResult, DepthZeroShotResult]);
export type ZeroShotResult = z.infer<typeof ZeroShotResult>;

/** One `poseloop pretrain` run: the command, the code, the data, how it trained and what it scored. */
const PretrainStage = z.object({
  command: z.string(),
  poseloop: z.object({ version: z.string(), commit: z.string().nullable() }),
  data: z.object({
    generator: z.string(),
    /** Depth hands: the generator's camera and viewpoint set. */
    camera: z.string().optional(),
    viewpoints: z.string().optional(),
    /** People: the rendered image side (px). */
    imageSize: z.number().int().optional(),
    trainFrames: z.number().int(),
    testFrames: z.number().int(),
    seed: z.number().int(),
  }),
  training: z.object({
    preset: z.string(),
    epochs: z.number().int(),
    seed: z.number().int(),
    backend: z.string(),
    /** Training threads (data-parallel; older manifests do not say). */
    workers: z.number().int().optional(),
    seconds: z.number(),
    samplesPerSecond: z.number(),
  }),
  metrics: z.record(z.string(), z.number().nullable()),
});

/** What `poseloop pretrain` writes beside the checkpoint: how to remake it, what it scored, and each file's hash. */
export const PretrainedManifest = PretrainStage.extend({
  format: z.literal('poseloop-pretrained-model'),
  version: z.literal(1),
  name: z.string(),
  label: z.string(),
  model: z.enum(['deepprior', 'hourglass']),
  skeleton: z.string(),
  /** A model trained on in stages (`--from`): the runs before this one, oldest first. */
  earlier: z.array(PretrainStage).optional(),
  files: z.array(z.object({ name: z.string(), bytes: z.number().int(), sha256: z.string() })),
});
export type PretrainedManifest = z.infer<typeof PretrainedManifest>;

export const PretrainResult = z.object({
  out: z.string(),
  manifest: PretrainedManifest,
  seconds: z.number(),
});
export type PretrainResult = z.infer<typeof PretrainResult>;

export const learningOperations = defineOperations({
  'model.train': {
    summary: 'Train the learner on the labelled set and evaluate it on the test split.',
    input: projectInput(TrainSettings.shape),
    output: TrainResult,
    mutates: true,
    job: true,
    topics: ['models', 'project'],
    cli: { command: 'train', positional: ['project'] },
  },
  'model.predict': {
    summary:
      'MC-dropout inference with the latest model: per-joint mean, epistemic and aleatoric uncertainty.',
    input: projectInput({
      ...LearningSettings.pick({ mc: true, seed: true }).shape,
      split: z.enum(['pool', 'train', 'test', 'all']).default('pool').describe('which samples'),
    }),
    output: z.object({
      predicted: z.number().int(),
      checkpointId: z.number().int(),
      passes: z.number().int(),
      meanStdPx: z.number(),
      meanStdMm: z.number(),
      backend: z.string(),
    }),
    mutates: true,
    job: true,
    topics: ['models', 'samples'],
    cli: { command: 'predict', positional: ['project'] },
  },
  'model.zeroShot': {
    summary:
      'Suggestions from a shipped pretrained model (MoveNet for people, the synthetic-hand DeepPrior for depth hands), before or beside the project’s own model.',
    input: projectInput({
      split: z.enum(['pool', 'train', 'test', 'all']).default('all').describe('which samples'),
      sampleIds: z.array(z.number().int().positive()).max(10_000).optional().describe('only these samples'),
      model: z.enum(['thunder', 'lightning']).default('thunder').describe('MoveNet variant (people)'),
    }),
    output: ZeroShotResult,
    mutates: true,
    job: true,
    topics: ['models', 'samples'],
    cli: { command: 'zero-shot', positional: ['project'] },
  },
  'model.pretrain': {
    summary:
      'Pretrain a fast model (depth hands: DeepPrior; people: the heatmap hourglass) on a synthetic corpus and write it, with its manifest, where new projects start from (resources/models/).',
    input: z.object({
      modality: z
        .enum(['depth', 'rgb'])
        .default('depth')
        .describe('depth: synthetic hands (DeepPrior); rgb: synthetic people (MPII16 heatmap hourglass)'),
      out: z.string().min(1).optional().describe('output folder (default: the shipped model’s folder)'),
      frames: z.number().int().min(10).max(500_000).default(24_000).describe('synthetic training frames'),
      testFrames: z.number().int().min(1).max(50_000).default(500).describe('held-out synthetic test frames'),
      epochs: z.number().int().min(1).max(1000).default(8).describe('training epochs'),
      seed: z
        .number()
        .int()
        .default(101)
        .describe('seed of the corpus and of training (test frames: seed + 1)'),
      workers: LearningSettings.shape.workers,
      viewpoints: Viewpoints,
      from: z
        .string()
        .min(1)
        .optional()
        .describe(
          'continue training the pretrained model in this folder on a fresh corpus (its runs are kept in the new manifest)',
        ),
    }),
    output: PretrainResult,
    mutates: false,
    job: true,
    cli: { command: 'pretrain', positional: [] },
  },
  'prediction.get': {
    summary:
      'The suggestion shown for one sample, in pixels and millimetres: the project’s latest model, or the pretrained one where that scores better on the test split.',
    input: projectInput({ sampleId: z.number().int().positive() }),
    output: PredictionView.nullable(),
    mutates: false,
  },
});
