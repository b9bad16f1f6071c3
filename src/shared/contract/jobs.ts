import { z } from 'zod';
import { defineOperations } from './operation';

export const JobStatus = z.enum(['running', 'done', 'failed', 'cancelled']);

export const JobProgress = z.object({
  /** 0..1 over the whole job. */
  fraction: z.number().min(0).max(1),
  stage: z.string().optional(),
  message: z.string().optional(),
  etaSeconds: z.number().nonnegative().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobInfo = z.object({
  id: z.string(),
  op: z.string(),
  project: z.string().nullable(),
  /** The annotator who started it (only they or a lead may cancel it). */
  owner: z.string(),
  status: JobStatus,
  progress: JobProgress,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).nullable(),
  result: z.unknown().optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const jobOperations = defineOperations({
  'jobs.list': {
    summary: 'Jobs of this session (running first).',
    input: z.object({}),
    output: z.array(JobInfo),
    mutates: false,
  },
  'jobs.cancel': {
    summary: 'Ask a running job to stop; it leaves the project as before the job or resumable.',
    input: z.object({ jobId: z.string() }),
    output: z.object({ cancelled: z.boolean() }),
    mutates: false,
  },
});
