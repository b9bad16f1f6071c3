import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { AppError, fromErrorPayload, type ErrorPayload } from '@shared/errors';
import type { BackendName } from '../backend';
import type { ReplicaJob, ReplicaModel, WorkerMessage } from '../protocol';
import { localStepper, type GradientStepper, type LossValues, type Replica } from '../replica';
import { createLink, LinkViews, publishWeights, SLOT, sumLosses, trainShard } from './shared-gradients';
import { workerLaunch } from './pool';

export interface DataParallelOptions {
  /** Worker threads, this one included (capped at the batch size); 1 trains here alone. */
  workers: number;
  batch: number;
  backend: BackendName;
  /** How a helper builds its own replica (its arrays should be shared memory, so they are not copied). */
  model: ReplicaModel;
}

/**
 * The worker threads a training run uses: as asked (default one per core), at least 1 and at most one per batch row.
 * The count is part of a run's identity: the same seed and count give the same weights.
 */
export function dataParallelWorkers(requested: number | undefined, batch: number): number {
  return Math.max(1, Math.min(Math.floor(requested ?? availableParallelism()), batch));
}

/**
 * Data-parallel training (issue 13): this thread's replica is worker 0; `workers − 1` helper threads each build a
 * replica, take the starting weights from this one and wait. Each step splits the batch into contiguous shards, every
 * worker computes its shard's gradients, and all apply the same sum (added in worker order), so a seed and a worker
 * count always give the same weights, and any worker count gives the full batch's gradient up to float rounding.
 */
export async function startDataParallel<L extends LossValues>(
  replica: Replica<L>,
  options: DataParallelOptions,
): Promise<GradientStepper<L>> {
  const workers = dataParallelWorkers(options.workers, options.batch);
  if (workers === 1) return localStepper(replica);
  const link = createLink(replica, workers, options.batch);
  const views = new LinkViews(link);
  publishWeights(replica, views);
  const helpers = Array.from({ length: workers - 1 }, (_, i) =>
    startHelper({
      kind: 'replica',
      backend: options.backend,
      model: options.model,
      link,
      index: i + 1,
    }),
  );
  const close = async (): Promise<void> => {
    await Promise.all(helpers.map(({ worker }) => worker.terminate()));
  };
  try {
    await Promise.all(helpers.map(({ ready }) => ready));
  } catch (error) {
    await close();
    throw error;
  }
  const onFailure = (): never => {
    for (const { errors } of helpers) {
      const message = receiveMessageOnPort(errors)?.message as ErrorPayload | undefined;
      if (message !== undefined) throw fromErrorPayload(message);
    }
    throw new AppError('internal', 'a data-parallel training thread failed');
  };
  return {
    workers,
    step: (rows, step) => {
      views.rows.set(rows);
      Atomics.store(views.control, SLOT.step, step);
      Atomics.store(views.control, SLOT.done, 0);
      views.signal(SLOT.go);
      const own = trainShard(replica, views, 0, onFailure);
      for (let done = 0; done < workers - 1; done = Atomics.load(views.control, SLOT.done)) {
        views.waitWhile(SLOT.done, done, onFailure);
      }
      return sumLosses(own, replica.lossNames, views);
    },
    close,
  };
}

/**
 * Starts data-parallel training once `prepare` has set the replica's starting weights (when fine-tuning, the initial
 * checkpoint's), which every helper copies; the replica is disposed if either fails.
 */
export async function startFrom<L extends LossValues>(
  replica: Replica<L>,
  prepare: () => void,
  options: DataParallelOptions,
): Promise<GradientStepper<L>> {
  try {
    prepare();
    return await startDataParallel(replica, options);
  } catch (error) {
    replica.dispose();
    throw error;
  }
}

/** Starts one helper thread; `ready` settles once it holds the starting weights (or failed to start). */
function startHelper(job: Omit<ReplicaJob, 'errors'>): {
  worker: Worker;
  errors: MessagePort;
  ready: Promise<void>;
} {
  const launch = workerLaunch();
  const channel = new MessageChannel();
  const worker = new Worker(launch.entry, {
    eval: launch.eval,
    workerData: { ...job, errors: channel.port2 } satisfies ReplicaJob,
    transferList: [channel.port2],
    env: launch.env,
  });
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'ready') resolve();
      else if (message.kind === 'error') reject(fromErrorPayload(message.error));
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      reject(new AppError('internal', `a data-parallel training thread exited with code ${code}`)),
    );
  });
  return { worker, errors: channel.port1, ready };
}
