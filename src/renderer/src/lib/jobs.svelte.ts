import type { ApiClient } from '../api/client';
import type { JobInfo, OpInput, OpName, OpOutput } from '@shared/contract';

/**
 * One background job of one operation as reactive state: start it, follow its `job` events, read its result. A job
 * can end before `start` returns (a quick failure, a tiny import), or before the event stream is connected, so
 * events that arrive early are kept and the job list is read once after starting: nothing is missed. A view
 * connects it with `$effect(() => tracked.listen())`.
 */
export class TrackedJob<K extends OpName> {
  job = $state<JobInfo | null>(null);
  starting = $state(false);
  /** Events of jobs not yet known by id (they arrived while `start` was waiting for its reply). */
  private early: Record<string, JobInfo> = {};

  constructor(
    /** Read at each use, so a component can pass its `client` prop. */
    private readonly client: () => ApiClient,
    readonly op: K,
    /** Called once when the job ends: done, failed or cancelled. */
    private readonly onend?: (job: JobInfo) => void,
  ) {}

  get running(): boolean {
    return this.job?.status === 'running';
  }

  get result(): OpOutput<K> | null {
    return this.job?.status === 'done' ? (this.job.result as OpOutput<K>) : null;
  }

  listen(): () => void {
    return this.client().subscribe((event) => {
      if (event.type === 'job') this.receive(event.job);
    });
  }

  /** Starts the job; throws what the server answers when it refuses to start it. */
  async start(input: OpInput<K>): Promise<void> {
    this.starting = true;
    this.early = {};
    try {
      const started = await this.client().start(this.op, input);
      this.job = { ...started, status: 'running' };
      const seen = this.early[started.id] ?? (await this.listed(started.id));
      this.receive(seen ?? started);
    } finally {
      this.starting = false;
      this.early = {};
    }
  }

  async cancel(): Promise<void> {
    if (this.job?.status === 'running')
      await this.client()
        .call('jobs.cancel', { jobId: this.job.id })
        .catch(() => {});
  }

  /** Forgets the job (its outcome has been handled elsewhere, e.g. turned into a question). */
  clear(): void {
    this.job = null;
  }

  /** The job as the server's job list has it now (null when the list cannot be read). */
  private async listed(id: string): Promise<JobInfo | null> {
    try {
      return (await this.client().call('jobs.list', {})).find((j) => j.id === id) ?? null;
    } catch {
      return null;
    }
  }

  private receive(next: JobInfo): void {
    if (next.op !== this.op) return;
    if (next.id !== this.job?.id) {
      if (this.starting) this.early[next.id] = next;
      return;
    }
    // The job list read after starting may be older than an event already applied: an ended job stays ended.
    if (this.job.status !== 'running') return;
    this.job = next;
    if (next.status !== 'running') this.onend?.(next);
  }
}
