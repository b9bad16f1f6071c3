import { z } from 'zod';
import { defineOperations } from './operation';
import { projectInput } from './common';
import { PredictionView } from './learning';

/** Fractions of true joints inside the stored σ rings (a calibrated 2-D Gaussian: 39.3 % at 1σ, 86.5 % at 2σ). */
const StoredRingCoverage = z.object({
  /** Joints whose suggestion carries a σ (> 0); pretrained detectors and other tools' predictions have none. */
  joints: z.number().int(),
  within1Sigma: z.number(),
  within2Sigma: z.number(),
});

const EvaluationBase = z.object({
  split: z.enum(['train', 'pool', 'test']),
  /** Samples of the split; those scored have both a suggestion and a label (or hidden ground truth). */
  samples: z.number().int(),
  scoredSamples: z.number().int(),
  withoutSuggestion: z.number().int(),
  withoutLabel: z.number().int(),
  /** Labelled joints the suggestion places (scored), and those it leaves out (no suggestion for the joint). */
  joints: z.number().int(),
  missingJoints: z.number().int(),
  /** Image-plane distance of the suggested joints to the truth (px); null when no joint was scored. */
  medianErrorPx: z.number().nullable(),
  /** Share of scored joints at most 10 px from the truth. */
  within10Px: z.number().nullable(),
  /** Coverage of the σ rings as stored (already calibrated); null where no suggestion has a σ. */
  sigma: StoredRingCoverage.nullable(),
  /** Which models the scored suggestions came from (the annotate view's choice per sample), most used first. */
  sources: z.array(
    PredictionView.shape.source.pick({ kind: true, label: true }).extend({ samples: z.number().int() }),
  ),
});

const DepthEvaluation = EvaluationBase.extend({
  modality: z.literal('depth'),
  /** 3-D joint error (mm) where both the suggestion and the label have depth; null without any. */
  medianErrorMm: z.number().nullable(),
  meanErrorMm: z.number().nullable(),
});

const RgbEvaluation = EvaluationBase.extend({
  modality: z.literal('rgb'),
  /** PCKh@0.5 over the labelled joints (a joint without a suggestion counts as a miss); null without labels. */
  pckh: z.number().nullable(),
  /** The same counting a joint found on its mirror partner: the gap to `pckh` is left/right confusion. */
  pckhIgnoringSides: z.number().nullable(),
  /**
   * Suggestions whose two shoulders lie within 2 px of each other (issue 14's "collapsed" pose), over the suggestions
   * placing both; null for a layout without l_shoulder / r_shoulder.
   */
  collapsedShoulders: z
    .object({ images: z.number().int(), collapsed: z.number().int(), share: z.number().nullable() })
    .nullable(),
});

/** What the suggestions an annotator sees on a split are worth, against the labels or the hidden ground truth. */
export const SuggestionEvaluation = z.discriminatedUnion('modality', [DepthEvaluation, RgbEvaluation]);
export type SuggestionEvaluation = z.infer<typeof SuggestionEvaluation>;

export const evaluationOperations = defineOperations({
  'suggestions.evaluate': {
    summary:
      'Score the suggestions an annotator sees on a split (the annotate view’s choice per sample: the project’s model, pretrained or imported) against the hidden ground truth where the project keeps one (demo pools, --hide-labels imports), else the reviewed labels: px and mm errors, share within 10 px, σ-ring coverage, PCKh (also ignoring sides) and collapsed shoulders (people).',
    input: projectInput({
      split: z.enum(['pool', 'train', 'test']).default('pool').describe('which samples: pool, train or test'),
    }),
    output: SuggestionEvaluation,
    mutates: false,
    cli: { command: 'evaluate', positional: ['project'] },
  },
});
