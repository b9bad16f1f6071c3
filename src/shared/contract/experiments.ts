import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';
import { AcquireSettings } from './learning';

/** Mean and population std over trials of the test metric after training on `labelled` samples. */
export const CurvePoint = z.object({
  labelled: z.number().int(),
  mean: z.number(),
  std: z.number(),
  trials: z.number().int(),
});

/** The learning-curve metric: mean 3-D joint error (mm, lower is better) or PCKh@0.5 (fraction, higher is better). */
export const CurveMetric = z.enum(['test_error_mm', 'test_pckh']);
export type CurveMetric = z.infer<typeof CurveMetric>;

export const experimentOperations = defineOperations({
  'experiment.simulate': {
    summary:
      'Headless active-learning experiment on a fully labelled project: samplers × trials × rounds, with learning curves.',
    input: projectInput({
      out: z
        .string()
        .min(1)
        .describe('results folder (resumes if it holds an unfinished run with the same settings)'),
      samplers: z
        .string()
        .optional()
        .describe(
          'comma-separated samplers (random is always included; default depth: coreset,uncertainty,cke,vl4pose; RGB: coreset,vl4pose,mpe,aleatoric,learning-loss)',
        ),
      trials: z.number().int().min(1).max(50).default(3).describe('trials (each with its own seed set)'),
      rounds: z.number().int().min(1).max(50).default(5).describe('training rounds per trial'),
      budget: z.number().int().min(1).default(20).describe('labels added per round'),
      seedSize: z.number().int().min(2).default(30).describe('initial labelled set size'),
      ...AcquireSettings.shape,
      seed: AcquireSettings.shape.seed.describe('base seed; trial t uses its own derived seed'),
    }),
    output: z.object({
      out: z.string(),
      files: z.array(z.string()),
      metric: CurveMetric,
      curves: z.record(z.string(), z.array(CurvePoint)),
    }),
    mutates: false,
    job: true,
    cli: { command: 'simulate', positional: ['project'] },
  },
});
