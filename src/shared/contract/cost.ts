import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';

/** What labelling a round's picks cost, from the labels' recorded time and their joints' states. */
export const CostTally = z.object({
  /** Images of the round's queue with a done label. */
  images: z.number().int(),
  /** Mean recorded editing time per image, in seconds (null: no image yet). */
  secondsPerImage: z.number().nullable(),
  /** The labels' joints by how they got there; `predicted`: saved without review. */
  joints: z.object({
    accepted: z.number().int(),
    moved: z.number().int(),
    created: z.number().int(),
    predicted: z.number().int(),
  }),
  /** Mean distance in image pixels a moved joint ended from the prediction it started at (null: none moved). */
  meanMovedPx: z.number().nullable(),
});
export type CostTally = z.infer<typeof CostTally>;

export const RoundCost = z.object({
  roundId: z.number().int(),
  number: z.number().int(),
  sampler: z.string(),
  total: CostTally,
  byAnnotator: z.array(CostTally.extend({ annotator: z.string() })),
});
export type RoundCost = z.infer<typeof RoundCost>;

export const costOperations = defineOperations({
  'round.cost': {
    summary:
      "Annotation cost of a round's picks, in total and per annotator: seconds per image, joints accepted / moved / created / left as predicted, mean distance moved.",
    input: projectInput({
      roundId: z.number().int().positive().optional().describe('round id (default: latest)'),
    }),
    output: RoundCost.nullable(),
    mutates: false,
    cli: { command: 'cost', positional: ['project'] },
  },
});
