import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { AppError, fromErrorPayload } from '@shared/errors';
import type { LearnerJob, ParentMessage, WorkerMessage } from '../protocol';

/**
 * How to start the worker entry. From TypeScript sources (tests, dev) the worker is an eval bootstrap that registers
 * tsx and then imports worker.ts: on Node 20, `execArgv: ['--import', 'tsx']` does not reach worker threads
 * ("Unknown file extension .ts"). TSX_TSCONFIG_PATH points tsx at the node tsconfig for the @shared alias. From the
 * bundle, the entry is out/main/learner-worker.js beside the bundled caller.
 */
export function workerLaunch(): { entry: string | URL; eval: boolean; env: NodeJS.ProcessEnv } {
  if (import.meta.url.endsWith('.ts')) {
    const workerUrl = new URL('./worker.ts', import.meta.url).href;
    return {
      entry: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`,
      eval: true,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: fileURLToPath(new URL('../../../../tsconfig.node.json', import.meta.url)),
      },
    };
  }
  // The bundler may place this code in out/main/chunks/; the worker entry is always out/main/learner-worker.js.
  const beside = new URL('./learner-worker.js', import.meta.url);
  const entry = existsSync(beside) ? beside : new URL('../learner-worker.js', import.meta.url);
  return { entry, eval: false, env: process.env };
}

export interface WorkerRunOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
  /** Buffers moved (not copied) into the worker; the caller must not use them afterwards. */
  transfer?: ArrayBuffer[];
}

/**
 * Runs one job in a fresh worker thread. Aborting rejects at once with AppError('cancelled') and stops the worker:
 * by terminating it (TF.js work cannot be interrupted from inside a synchronous kernel), or, for a job that declared
 * itself cooperative (native ONNX Runtime runs), by asking it to stop between runs and terminating it once it answers.
 * The worker writes no files, so nothing partial is left behind.
 */
export function runInWorker<R, P>(job: LearnerJob, options: WorkerRunOptions<P> = {}): Promise<R> {
  const { signal, onProgress, transfer = [] } = options;
  if (signal?.aborted) return Promise.reject(cancelled());
  const launch = workerLaunch();
  return new Promise<R>((resolve, reject) => {
    const worker = new Worker(launch.entry, {
      eval: launch.eval,
      workerData: job,
      transferList: transfer,
      env: launch.env,
    });
    let settled = false;
    let cooperative = false;
    const settle = (finish: () => void, terminate = true): void => {
      if (!settled) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        finish();
      }
      if (terminate) void worker.terminate();
    };
    const onAbort = (): void => {
      if (cooperative) worker.postMessage({ kind: 'cancel' } satisfies ParentMessage);
      settle(() => reject(cancelled()), !cooperative);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'cooperative') cooperative = true;
      else if (message.kind === 'progress') {
        if (!settled) onProgress?.(message.progress as P);
      } else if (message.kind === 'result') settle(() => resolve(message.result as R));
      else if (message.kind === 'error') settle(() => reject(fromErrorPayload(message.error)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() =>
        reject(new AppError('internal', `learner worker exited with code ${code} before answering`)),
      ),
    );
  });
}

function cancelled(): AppError {
  return new AppError('cancelled', 'cancelled');
}
