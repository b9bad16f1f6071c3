import { z } from 'zod';
import { defineOperations } from './operation';

export const benchOperations = defineOperations({
  'bench.run': {
    summary:
      'Measure this machine: project open at 300k samples, synthetic generator, import, learner, samplers.',
    input: z.object({
      out: z.string().default('bench-results.json').describe('results file (JSON)'),
      quick: z.boolean().default(false).describe('smaller sizes (seconds instead of minutes)'),
      sections: z
        .string()
        .optional()
        .describe('comma-separated subset of: store, datasets, learner, samplers'),
    }),
    output: z.object({ out: z.string(), results: z.record(z.string(), z.unknown()) }),
    mutates: false,
    job: true,
    cli: { command: 'bench' },
  },
});
