import { randomUUID } from 'node:crypto';
import type { JobInfo, JobProgress, OpName, Role } from '@shared/contract';
import { AppError, toErrorPayload } from '@shared/errors';
import type { EventBus } from './events';

interface RunningJob {
  info: JobInfo;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs long operations in the background: one id each, progress and completion pushed as events, cancel through
 * an AbortSignal. Finished jobs are kept (bounded) so a view that reconnects can read their outcome.
 */
export class JobManager {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly events: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(
    op: OpName,
    project: string | null,
    owner: string,
    run: (signal: AbortSignal, progress: (p: JobProgress) => void) => Promise<unknown>,
  ): JobInfo {
    const controller = new AbortController();
    const info: JobInfo = {
      id: randomUUID(),
      op,
      project,
      owner,
      status: 'running',
      progress: { fraction: 0 },
      startedAt: this.now().toISOString(),
      finishedAt: null,
      error: null,
    };
    const publish = () => this.events.emit({ type: 'job', job: { ...info } });
    const progress = (p: JobProgress) => {
      if (info.status !== 'running') return;
      info.progress = p;
      publish();
    };
    const done = run(controller.signal, progress).then(
      (result) => {
        info.status = controller.signal.aborted ? 'cancelled' : 'done';
        info.result = result;
        info.progress = { ...info.progress, fraction: 1 };
      },
      (error: unknown) => {
        const payload = toErrorPayload(error);
        info.status = controller.signal.aborted || payload.code === 'cancelled' ? 'cancelled' : 'failed';
        info.error = payload;
      },
    );
    const job: RunningJob = {
      info,
      controller,
      done: done.then(() => {
        info.finishedAt = this.now().toISOString();
        publish();
        this.prune();
      }),
    };
    this.jobs.set(info.id, job);
    publish();
    return { ...info };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()]
      .map((j) => ({ ...j.info }))
      .sort(
        (a, b) =>
          Number(b.status === 'running') - Number(a.status === 'running') ||
          b.startedAt.localeCompare(a.startedAt),
      );
  }

  get(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not_found', `no job ${id}`, 'jobId');
    return { ...job.info };
  }

  /** Cancels a job; an annotator may cancel only their own (a lead any). */
  cancel(id: string, by: { annotator: string; role: Role }): boolean {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not_found', `no job ${id}`, 'jobId');
    if (by.role !== 'lead' && job.info.owner !== by.annotator)
      throw new AppError(
        'forbidden',
        `job ${id} was started by ${job.info.owner}; only they or a lead may cancel it`,
      );
    if (job.info.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  /** Resolves when the job has finished (whatever its outcome). */
  async wait(id: string): Promise<JobInfo> {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not_found', `no job ${id}`, 'jobId');
    await job.done;
    return { ...job.info };
  }

  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.controller.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - 50))) this.jobs.delete(job.info.id);
  }
}
