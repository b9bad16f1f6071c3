import { z } from 'zod';
import { SampleCounts } from '../domain';
import { defineOperations } from './operation';
import { projectInput, Viewpoints } from './common';

export const RoundSummary = z.object({
  id: z.number().int(),
  number: z.number().int(),
  sampler: z.string(),
  budget: z.number().int(),
  status: z.string(),
  labelled: z.number().int(),
  testErrorMm: z.number().nullable(),
  /** RGB projects: PCKh@0.5 on the test split (fraction of joints within half a head size). */
  testPckh: z.number().nullable(),
  /**
   * What its suggestions are worth to an annotator, on the validation split: median joint error in mm (depth) and
   * image px, share of joints within 10 px. Null before training ends or without validation labels.
   */
  suggestions: z
    .object({
      medianErrorMm: z.number().nullable(),
      medianErrorPx: z.number(),
      within10Px: z.number(),
    })
    .nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RoundSummary = z.infer<typeof RoundSummary>;

export const DatasetSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  format: z.string(),
  root: z.string(),
  modality: z.string(),
  skeleton: z.string(),
  samples: z.number().int(),
  /** How far its import got: `interrupted` (killed, cancelled, failed) means re-run the import to resume it. */
  import: z.object({
    state: z.enum(['running', 'complete', 'interrupted']),
    imported: z.number().int(),
    duplicates: z.number().int(),
    skipped: z.number().int(),
    error: z.string().nullable(),
  }),
});

export const ProjectInfo = z.object({
  name: z.string(),
  path: z.string(),
  skeleton: z.string(),
  /** depth (hand projects) or rgb (human projects): which learner, tools and samplers apply. */
  modality: z.enum(['depth', 'rgb']),
  createdAt: z.string(),
  samples: SampleCounts,
  datasets: z.array(DatasetSummary),
  rounds: z.array(RoundSummary),
  backend: z.string(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

export const AnnotatorRole = z.enum(['annotator', 'lead']);
export type AnnotatorRole = z.infer<typeof AnnotatorRole>;

export const RecentProject = z.object({ path: z.string(), name: z.string(), openedAt: z.string() });

export const projectOperations = defineOperations({
  'project.init': {
    summary: 'Create a project folder (project.sqlite, cache/, models/).',
    input: z.object({
      dir: z.string().min(1).describe('folder to create the project in'),
      name: z.string().min(1).max(200).optional().describe('display name (default: the folder name)'),
      skeleton: z.string().default('hand21').describe('skeleton layout id'),
      demo: z
        .boolean()
        .default(false)
        .describe('fill it with synthetic demo data (depth hands, or RGB people for a human skeleton)'),
      demoSize: z
        .enum(['tiny', 'standard'])
        .default('standard')
        .describe('demo size: tiny (tests) or standard'),
      viewpoints: Viewpoints,
    }),
    output: ProjectInfo,
    mutates: true,
    topics: ['project'],
    cli: { command: 'init', positional: ['dir'] },
  },
  'project.info': {
    summary: 'Counts, datasets, rounds and the learner backend of a project.',
    input: projectInput({}),
    output: ProjectInfo,
    mutates: false,
    cli: { command: 'info', positional: ['project'] },
  },
  'projects.recent': {
    summary: 'Projects opened recently on this machine, newest first.',
    input: z.object({}),
    output: z.array(RecentProject),
    mutates: false,
  },
  'annotator.add': {
    summary: 'Create an annotator account and print its access token (needed to serve beyond loopback).',
    input: projectInput({
      name: z.string().min(1).max(100).describe('annotator name'),
      role: AnnotatorRole.default('annotator').describe('annotator (read and edit) or lead (everything)'),
    }),
    output: z.object({ id: z.number().int(), name: z.string(), role: z.string(), token: z.string() }),
    mutates: true,
    cli: { command: 'annotator-add', positional: ['project'] },
  },
  'annotator.list': {
    summary: 'Annotator accounts of a project (tokens are never shown again).',
    input: projectInput({}),
    output: z.array(
      z.object({ id: z.number().int(), name: z.string(), role: z.string(), hasToken: z.boolean() }),
    ),
    mutates: false,
    cli: { command: 'annotators', positional: ['project'] },
  },
  'annotator.revoke': {
    summary:
      "Revoke an annotator's access token at once (their edits stay; annotator-add gives a new token).",
    input: projectInput({ name: z.string().min(1).max(100).describe('annotator name') }),
    output: z.object({ name: z.string(), revoked: z.boolean() }),
    mutates: true,
    cli: { command: 'annotator-revoke', positional: ['project'] },
  },
});
