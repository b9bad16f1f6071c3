import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';
import { AcquireSettings, LearningSettings } from './learning';

/** The learning-curve metric: mean 3-D joint error (mm, lower is better) or PCKh@0.5 (fraction, higher is better). */
export const CurveMetric = z.enum(['test_error_mm', 'test_pckh']);
export type CurveMetric = z.infer<typeof CurveMetric>;

/** What an annotator would do with the model's suggestion for one picked image: joints kept as is vs moved. */
export const PickCost = z.object({
  images: z.number().int(),
  /** Labelled joints whose suggestion lies within 10 px of the label (kept as is). */
  kept: z.number().int(),
  /** Labelled joints the annotator must move (suggestion farther than 10 px, or none). */
  moved: z.number().int(),
});
export type PickCost = z.infer<typeof PickCost>;

/** One (trial, sampler, stage) cell of a simulation: the test metric after training, and the picks made after it. */
export const ExperimentCell = z.object({
  sampler: z.string(),
  trial: z.number().int(),
  round: z.number().int(),
  labelled: z.number().int(),
  /** The test metric after this stage's training (mm for depth, PCKh for RGB). */
  value: z.number(),
  /** Sample ids picked after this stage (empty after the last stage). */
  picks: z.array(z.number().int()),
  /** What labelling the picks would cost, judged against the oracle (null: results of an older version). */
  cost: PickCost.nullable().default(null),
});
export type ExperimentCell = z.infer<typeof ExperimentCell>;

/** How the per-joint time is known: measured in this project's rounds, given on the command line, or a default. */
export const JointTime = z.object({
  secondsPerMovedJoint: z.number(),
  source: z.string(),
});
export type JointTime = z.infer<typeof JointTime>;

/** A simulation's results file (`results.json`): its settings, the data it ran on, and every finished cell. */
export const ExperimentFile = z.object({
  version: z.literal(2),
  /** The project's name (the report's title). */
  project: z.string(),
  metric: CurveMetric,
  settings: z.record(z.string(), z.unknown()),
  /** What the run was drawn from; a rerun on changed data is refused. */
  data: z.object({ universe: z.number().int(), test: z.number().int(), fingerprint: z.string() }),
  jointTime: JointTime,
  results: z.array(ExperimentCell),
});
export type ExperimentFile = z.infer<typeof ExperimentFile>;

/** Mean, sample std and Student-t 95 % CI over trials of the test metric after `round`'s training. */
export const CurvePoint = z.object({
  round: z.number().int(),
  labelled: z.number().int(),
  mean: z.number(),
  std: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  trials: z.number().int(),
});
export type CurvePoint = z.infer<typeof CurvePoint>;

/** A sampler's gap to random at one stage: paired t-test over trials (sampler − random, in metric units). */
export const GapPoint = z.object({
  round: z.number().int(),
  labelled: z.number().int(),
  n: z.number().int(),
  mean: z.number(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  p: z.number().nullable(),
});
export type GapPoint = z.infer<typeof GapPoint>;

/** Per sampler: picks' cost per stage (mean over trials) and what reaching the target took. */
export const SamplerCost = z.object({
  stages: z.array(
    z.object({
      round: z.number().int(),
      labelled: z.number().int(),
      kept: z.number(),
      moved: z.number(),
      seconds: z.number(),
    }),
  ),
  /** Fraction of labelled joints whose suggestion was kept, over all picks. */
  keptFraction: z.number().nullable(),
  /**
   * That fraction minus random's, paired by trial (each trial's picks over all stages): mean, 95 % CI and p of the
   * paired t-test; null for random itself or without a paired trial.
   */
  keptGap: z
    .object({
      n: z.number().int(),
      mean: z.number(),
      low: z.number().nullable(),
      high: z.number().nullable(),
      p: z.number().nullable(),
    })
    .nullable(),
  /** Labels when the mean curve first reaches the target (null: not reached), and annotator seconds for the picks. */
  labelsToTarget: z.number().int().nullable(),
  secondsToTarget: z.number().nullable(),
});
export type SamplerCost = z.infer<typeof SamplerCost>;

export const Recommendation = z.object({
  sampler: z.string(),
  /** Whether the 95 % CI of the final-stage gap to random excludes 0 in the sampler's favour. */
  shown: z.boolean(),
  /** 1 − p of the paired t-test (two-sided) at the final stage: the highest confidence level whose CI excludes 0. */
  confidence: z.number().nullable(),
  gap: GapPoint.nullable(),
  sentence: z.string(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const ExperimentSummary = z.object({
  metric: CurveMetric,
  trials: z.number().int(),
  recommendation: Recommendation.nullable(),
  curves: z.record(z.string(), z.array(CurvePoint)),
  gaps: z.record(z.string(), z.array(GapPoint)),
  cost: z.object({
    ...JointTime.shape,
    /** The metric value "labels to target" refers to (default: random's final mean). */
    target: z.number().nullable(),
    bySampler: z.record(z.string(), SamplerCost),
  }),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummary>;

const SimulateOutput = ExperimentSummary.extend({ out: z.string(), files: z.array(z.string()) });

export const experimentOperations = defineOperations({
  'experiment.simulate': {
    summary:
      'Headless active-learning experiment: paired trials × samplers × stages, gaps to random with 95 % CIs, simulated annotation cost; --recommend runs it on the project’s own labels and says which sampler to use.',
    input: projectInput({
      out: z
        .string()
        .min(1)
        .optional()
        .describe(
          'results folder; a rerun with the same settings continues where it stopped (default: <project>/experiments/<settings hash>)',
        ),
      report: z
        .string()
        .min(1)
        .optional()
        .describe(
          'also write the report (tables.md, SVG plots, results.json) into this folder, e.g. docs/experiments/<name>',
        ),
      recommend: z
        .boolean()
        .default(false)
        .describe('use only the project’s own labelled set (oracle = its labels) and recommend a sampler'),
      protocol: z
        .enum(['default', 'paper'])
        .default('default')
        .describe(
          'default: the learner’s own training schedule (as rounds train); paper: a fresh model per stage for the papers’ fixed epochs (60 depth, 100 RGB), 10 stages, 10 % candidate subset, seed set = budget',
        ),
      samplers: z
        .string()
        .optional()
        .describe(
          'comma-separated samplers (random is always included; default depth: coreset,uncertainty,cke,vl4pose; RGB: coreset,vl4pose,mpe,aleatoric,learning-loss)',
        ),
      trials: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(5)
        .describe('paired trials (trial t: one seed set and pool for every sampler)'),
      jobs: z
        .number()
        .int()
        .min(1)
        .max(16)
        .default(1)
        .describe(
          'trials run at once, each training in its own worker thread (one per core; results do not depend on it)',
        ),
      rounds: z
        .number()
        .int()
        .min(1)
        .max(50)
        .optional()
        .describe('stages (trainings) per trial (default 5; paper 10; --recommend 4)'),
      budget: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('labels added per stage (default 100; --recommend: a share of the labelled set)'),
      seedSize: z
        .number()
        .int()
        .min(2)
        .optional()
        .describe('initial labelled set size (default: the budget)'),
      ...AcquireSettings.shape,
      subset: LearningSettings.shape.subset
        .unwrap()
        .optional()
        .describe(
          'fraction of the remaining pool scored per stage, one random draw per trial and stage shared by all samplers (default 1; paper 0.1)',
        ),
      seed: AcquireSettings.shape.seed.describe('base seed; trial t uses its own derived seed'),
      workers: AcquireSettings.shape.workers.describe(
        'data-parallel training threads per trial (default 1: --jobs runs trials side by side instead); part of the settings',
      ),
      target: z
        .number()
        .optional()
        .describe(
          'metric value for "labels to reach" (mm, or PCKh as a fraction; default: random’s final mean)',
        ),
      secondsPerJoint: z
        .number()
        .positive()
        .optional()
        .describe('annotator seconds per moved joint (default: measured in this project’s rounds, else 3 s)'),
    }),
    output: SimulateOutput,
    mutates: false,
    job: true,
    cli: { command: 'simulate', positional: ['project'] },
  },
  'experiment.report': {
    summary: 'Tables (markdown) and plots (SVG, mean ± 95 % CI) from a simulation’s results.json.',
    input: z.object({
      results: z.string().min(1).describe('a results.json written by simulate'),
      out: z.string().min(1).describe('report folder (e.g. docs/experiments/<name>)'),
      target: z
        .number()
        .optional()
        .describe('metric value for "labels to reach" (default: random’s final mean)'),
    }),
    output: ExperimentSummary.extend({ files: z.array(z.string()) }),
    mutates: false,
    cli: { command: 'report', positional: ['results'] },
  },
  'experiment.recommendation': {
    summary: 'The latest sampler recommendation of this project (from simulate --recommend), or null.',
    input: projectInput({}),
    output: z
      .object({ at: z.string(), out: z.string(), labelled: z.number().int(), summary: ExperimentSummary })
      .nullable(),
    mutates: false,
  },
});
