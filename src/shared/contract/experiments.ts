import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';
import { Preset, Variant } from './learning';

export const CurvePoint = z.object({
  labelled: z.number().int(),
  meanErrorMm: z.number(),
  stdErrorMm: z.number(),
  trials: z.number().int(),
});

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
        .default('random,coreset,uncertainty,cke,vl4pose')
        .describe('comma-separated samplers (random is always included)'),
      trials: z.number().int().min(1).max(50).default(3).describe('trials (each with its own seed set)'),
      rounds: z.number().int().min(1).max(50).default(5).describe('training rounds per trial'),
      budget: z.number().int().min(1).default(20).describe('labels added per round'),
      seedSize: z.number().int().min(2).default(30).describe('initial labelled set size'),
      subset: z.number().gt(0).max(1).default(1).describe('fraction of the pool scored each round'),
      mc: z.number().int().min(1).max(500).default(10).describe('MC-dropout passes'),
      eta: z.number().min(0).default(0.3).describe('CKE uncertainty weight'),
      preset: Preset.default('auto').describe('paper, fast or auto'),
      variant: Variant.default('A').describe('plain, A, B or C'),
      epochs: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe('epochs per round (default: the preset’s)'),
      seed: z.number().int().default(1).describe('base seed; trial t uses its own derived seed'),
    }),
    output: z.object({
      out: z.string(),
      files: z.array(z.string()),
      curves: z.record(z.string(), z.array(CurvePoint)),
    }),
    mutates: false,
    job: true,
    cli: { command: 'simulate', positional: ['project'] },
  },
});
