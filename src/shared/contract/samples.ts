import { z } from 'zod';
import { Intrinsics, Joint, Modality, Split } from '../domain';
import { defineOperations } from './operation';
import { Cursor, PageLimit, projectInput } from './common';

export const AnnotationStatus = z.enum(['in_progress', 'done', 'skipped']);

export const SampleRow = z.object({
  id: z.number().int(),
  datasetId: z.number().int(),
  imagePath: z.string(),
  modality: Modality,
  width: z.number().int(),
  height: z.number().int(),
  split: Split,
  /** RGB: the person box [x, y, w, h] in image pixels the learner crops around (null: not drawn yet). */
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  annotationStatus: AnnotationStatus.nullable(),
});
export type SampleRow = z.infer<typeof SampleRow>;

export const Annotation = z.object({
  sampleId: z.number().int(),
  revision: z.number().int(),
  status: AnnotationStatus,
  joints: z.array(Joint),
  annotator: z.string().nullable(),
  updatedAt: z.string(),
  fromPredictionId: z.number().int().nullable(),
  secondsSpent: z.number(),
});
export type Annotation = z.infer<typeof Annotation>;

export const HistoryEntry = z.object({
  id: z.number().int(),
  revision: z.number().int(),
  annotator: z.string(),
  at: z.string(),
  kind: z.enum(['edit', 'undo', 'redo']),
  jointsChanged: z.array(z.number().int()),
  undone: z.boolean(),
});

export const sampleOperations = defineOperations({
  'samples.list': {
    summary: 'A page of samples, ordered by id (keyset pagination: pass the last id as `after`).',
    input: projectInput({
      split: Split.optional().describe('train, pool or test'),
      after: Cursor.default(0).describe('list ids greater than this'),
      limit: PageLimit.describe('page size (max 1000)'),
    }),
    output: z.object({ items: z.array(SampleRow), next: z.number().int().nullable() }),
    mutates: false,
    cli: { command: 'samples', positional: ['project'] },
  },
  'sample.get': {
    summary: 'One sample with its current annotation and edit history.',
    input: projectInput({ sampleId: z.number().int().positive().describe('sample id') }),
    output: z.object({
      sample: SampleRow,
      skeleton: z.string(),
      /** The dataset's camera (depth samples), for back-projection to millimetres and the 3-D view. */
      intrinsics: Intrinsics.nullable(),
      annotation: Annotation.nullable(),
      history: z.array(HistoryEntry),
    }),
    mutates: false,
    cli: { command: 'show', positional: ['project'] },
  },
  'annotation.save': {
    summary: 'Save the joints of one sample as one transaction with its history row.',
    input: projectInput({
      sampleId: z.number().int().positive(),
      joints: z.array(Joint).min(1),
      /** The revision the edit was made on; a different current revision is a conflict, never overwritten. */
      baseRevision: z.number().int().nonnegative(),
      status: AnnotationStatus.default('in_progress'),
      secondsSpent: z.number().nonnegative().default(0),
      /** The prediction the editor was filled from (its `prediction.get` id); omitted: the annotation keeps its own. */
      fromPredictionId: z.number().int().positive().optional(),
    }),
    output: Annotation,
    mutates: true,
    topics: ['annotations', 'samples'],
  },
  'sample.setBox': {
    summary: 'Draw or move the person box of an RGB sample (the learner crops around it).',
    input: projectInput({
      sampleId: z.number().int().positive(),
      box: z
        .tuple([z.number(), z.number(), z.number().positive(), z.number().positive()])
        .describe('x, y, width, height in image pixels'),
    }),
    output: SampleRow,
    mutates: true,
    topics: ['samples'],
  },
  'annotation.undo': {
    summary: 'Undo the last edit of one sample (persisted: survives a restart).',
    input: projectInput({ sampleId: z.number().int().positive() }),
    output: Annotation.nullable(),
    mutates: true,
    topics: ['annotations', 'samples'],
  },
  'annotation.redo': {
    summary: 'Redo the last undone edit of one sample.',
    input: projectInput({ sampleId: z.number().int().positive() }),
    output: Annotation.nullable(),
    mutates: true,
    topics: ['annotations', 'samples'],
  },
});
