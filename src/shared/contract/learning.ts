import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';

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
    .describe('training epochs (default: the preset’s, at least 200 optimiser steps)'),
  seed: z.number().int().default(1).describe('random seed'),
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

/** What training takes: the model settings. */
export const TrainSettings = LearningSettings.pick({
  variant: true,
  preset: true,
  epochs: true,
  seed: true,
  loss: true,
  unreviewed: true,
  augment: true,
  refine: true,
});
export type TrainSettings = z.infer<typeof TrainSettings>;

/** What an acquisition step takes beyond training: MC passes, the scored fraction of the pool, η. */
export const AcquireSettings = LearningSettings.pick({
  variant: true,
  preset: true,
  epochs: true,
  seed: true,
  unreviewed: true,
  augment: true,
  refine: true,
  mc: true,
  subset: true,
  eta: true,
  features: true,
});
export type AcquireSettings = z.infer<typeof AcquireSettings>;

const TrainResultBase = z.object({
  backend: z.string(),
  checkpoint: z.string(),
  checkpointId: z.number().int(),
  trainSamples: z.number().int(),
  testSamples: z.number().int(),
  trainSamplesPerSecond: z.number(),
  epochs: z.number().int(),
  preset: z.string(),
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
  /** Which model made it: the project's own (a round or `train`) or a shipped pretrained one (zero-shot). */
  source: z.object({
    kind: z.enum(['project', 'pretrained']),
    /** "round 3", "model #4" or the pretrained model's name, e.g. "MoveNet Thunder". */
    label: z.string(),
    /** Joints the model does not have and derived by a documented rule (pretrained human models). */
    derived: z.array(z.number().int()),
    /** Joints the model left out (no keypoint, no confident inputs for a rule): no suggestion there. */
    unpredicted: z.array(z.number().int()),
  }),
  createdAt: z.string(),
});
export type PredictionView = z.infer<typeof PredictionView>;

export const ZeroShotResult = z.object({
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
  derivedJoints: z.array(z.string()),
  seconds: z.number(),
});
export type ZeroShotResult = z.infer<typeof ZeroShotResult>;

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
      'Suggestions from the shipped pretrained human-pose model (RGB projects), before or beside the project’s own model.',
    input: projectInput({
      split: z.enum(['pool', 'train', 'test', 'all']).default('all').describe('which samples'),
      sampleIds: z.array(z.number().int().positive()).max(10_000).optional().describe('only these samples'),
      model: z.enum(['thunder', 'lightning']).default('thunder').describe('MoveNet variant'),
    }),
    output: ZeroShotResult,
    mutates: true,
    job: true,
    topics: ['models', 'samples'],
    cli: { command: 'zero-shot', positional: ['project'] },
  },
  'prediction.get': {
    summary:
      'The suggestion shown for one sample, in pixels and millimetres: the project’s latest model, or the pretrained one where that scores better on the test split.',
    input: projectInput({ sampleId: z.number().int().positive() }),
    output: PredictionView.nullable(),
    mutates: false,
  },
});
