import type { Topic } from './operation';
import type { JobInfo } from './jobs';

/** Everything pushed from the main side to views: over SSE, the IPC event channel, or CLI progress lines. */
export type PoseLoopEvent =
  { type: 'job'; job: JobInfo } | { type: 'changed'; project: string | null; topics: readonly Topic[] };
