import { z } from 'zod';
import { defineOperations } from './operation';
import { Cursor, PageLimit, projectInput } from './common';
import { AcquireSettings } from './learning';
import { RoundSummary } from './projects';

export const SamplerId = z.enum([
  'random',
  'coreset',
  'uncertainty',
  'cke',
  'cke-alg1',
  'aleatoric',
  'vl4pose',
  'mpe',
  'learning-loss',
]);

type WithoutDefaults<T extends z.ZodRawShape> = {
  [K in keyof T]: T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K];
};

/** The same fields with their defaults dropped: a stored record is read back as it was written. */
function withoutDefaults<T extends z.ZodRawShape>(shape: T): WithoutDefaults<T> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [
      key,
      field instanceof z.ZodDefault ? field.unwrap() : field,
    ]),
  ) as WithoutDefaults<T>;
}

/** A learning round's stored settings: what `round.run` was given, its defaults filled in. */
export const RoundConfig = z.object({
  sampler: SamplerId,
  budget: z.number().int().min(1),
  ...withoutDefaults(AcquireSettings.shape),
});

export const RoundDetail = RoundSummary.extend({
  /** A learning round's settings; a seed-set round has only size, method and seed. */
  config: RoundConfig.partial().extend({ size: z.number().int().optional(), method: z.string().optional() }),
  stageSeconds: z.record(z.string(), z.number()),
  metrics: z.record(z.string(), z.number().nullable()),
  error: z.string().nullable(),
  queued: z.number().int(),
});
export type RoundDetail = z.infer<typeof RoundDetail>;

export const QueueStatus = z.enum(['new', 'in_progress', 'done', 'skipped']);

export const QueueItem = z.object({
  roundId: z.number().int(),
  /** The round's number (items of earlier rounds stay in the queue until done). */
  roundNumber: z.number().int(),
  sampleId: z.number().int(),
  rank: z.number().int(),
  score: z.number(),
  /** Why the sampler picked it, in words, plus the structured reason. */
  reason: z.string(),
  reasonDetail: z.record(z.string(), z.unknown()),
  status: QueueStatus,
  assignee: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const roundOperations = defineOperations({
  'samplers.list': {
    summary: 'The samplers, each with a one-line description (for a project: only those its model supports).',
    input: z.object({
      project: z.string().min(1).optional().describe('project folder: list what its modality supports'),
    }),
    output: z.array(
      z.object({ id: z.string(), description: z.string(), modality: z.enum(['depth', 'rgb', 'both']) }),
    ),
    mutates: false,
    cli: { command: 'samplers' },
  },
  'sampler.run': {
    summary: 'Run a sampler on predictions you bring (a JSON file or a folder of .npy files).',
    input: z.object({
      sampler: SamplerId.describe('random, coreset, uncertainty, cke, cke-alg1, aleatoric, vl4pose'),
      budget: z.number().int().min(1).describe('how many candidates to pick'),
      input: z.string().min(1).describe('JSON file or folder of candidates_mean.npy, … files'),
      eta: z.number().min(0).default(0.3).describe('CKE uncertainty weight'),
      seed: z.number().int().default(0).describe('seed of the random sampler'),
    }),
    output: z.object({
      picks: z.array(z.number().int()),
      reasons: z.array(z.record(z.string(), z.unknown())),
    }),
    mutates: false,
    cli: { command: 'sample' },
  },
  'round.run': {
    summary:
      'One active-learning round: train, MC inference on a pool subset, rank, write the annotation queue.',
    input: projectInput({
      sampler: SamplerId.optional().describe(
        'depth: random, coreset, uncertainty, cke (default), cke-alg1, aleatoric, vl4pose; RGB: random, coreset, vl4pose (default), mpe, aleatoric, learning-loss',
      ),
      budget: z.number().int().min(1).max(100_000).default(20).describe('images to queue'),
      ...AcquireSettings.shape,
    }),
    output: RoundDetail,
    mutates: true,
    job: true,
    topics: ['rounds', 'queue', 'models', 'project'],
    cli: { command: 'round', positional: ['project'] },
  },
  'seed.select': {
    summary:
      'Choose the initial labelled set from the pool, at random or by CoreSet on image features, as a queue to annotate.',
    input: projectInput({
      size: z.number().int().min(1).max(100_000).describe('how many images'),
      method: z
        .enum(['random', 'coreset'])
        .default('coreset')
        .describe('random, or coreset on image-space features'),
      seed: z.number().int().default(1).describe('random seed'),
    }),
    output: RoundDetail,
    mutates: true,
    topics: ['rounds', 'queue', 'project'],
    cli: { command: 'seed', positional: ['project'] },
  },
  'queue.add': {
    summary: 'Mark pool images by hand: add them to the end of the latest queue.',
    input: projectInput({ sampleIds: z.array(z.number().int().positive()).min(1).max(10_000) }),
    output: z.object({ added: z.number().int(), queued: z.number().int() }),
    mutates: true,
    topics: ['queue'],
  },
  'round.get': {
    summary: 'One round: its configuration, stage timings, metrics and queue size.',
    input: projectInput({
      roundId: z.number().int().positive().optional().describe('round id (default: latest)'),
    }),
    output: RoundDetail.nullable(),
    mutates: false,
  },
  'queue.list': {
    summary: "A round's ranked queue (default: the newest round that has one), paged by rank.",
    input: projectInput({
      roundId: z.number().int().positive().optional().describe('round id (default: the newest queue)'),
      status: QueueStatus.optional().describe('new, in_progress, done or skipped'),
      after: Cursor.default(0).describe('list ranks greater than this'),
      limit: PageLimit.describe('page size'),
    }),
    output: z.object({
      items: z.array(QueueItem),
      next: z.number().int().nullable(),
      total: z.number().int(),
    }),
    mutates: false,
    cli: { command: 'queue', positional: ['project'] },
  },
  'queue.next': {
    summary:
      'Assign the best-ranked free image of the queue to the caller (never to two annotators at once).',
    input: projectInput({
      /** Omitted: the newest queue first, then unfinished items of earlier rounds (newest first). */
      roundId: z.number().int().positive().optional(),
    }),
    output: QueueItem.nullable(),
    mutates: true,
    topics: ['queue'],
  },
  'queue.set': {
    summary: 'Mark a queued image done, skipped, or release it back to the queue.',
    input: projectInput({
      sampleId: z.number().int().positive(),
      status: QueueStatus,
      /** Omitted: the newest round whose queue holds the sample. */
      roundId: z.number().int().positive().optional(),
    }),
    output: QueueItem,
    mutates: true,
    topics: ['queue'],
  },
});
