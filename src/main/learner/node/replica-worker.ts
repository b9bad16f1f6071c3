import { toErrorPayload } from '@shared/errors';
import { selectBackend } from '../backend';
import { DeepPriorReplica } from '../models/deepprior/replica';
import { HeatmapReplica } from '../models/hourglass/replica';
import type { ReplicaJob, ReplicaModel, WorkerMessage } from '../protocol';
import type { LossValues, Replica } from '../replica';
import { LinkViews, loadPublishedWeights, SLOT, trainShard } from './shared-gradients';

/** The replica a helper thread builds for its model. */
function createReplica(model: ReplicaModel): Replica<LossValues> {
  switch (model.kind) {
    case 'deepprior':
      return new DeepPriorReplica(model.spec);
    case 'hourglass':
      return new HeatmapReplica(model.spec);
  }
}

/**
 * A data-parallel helper thread (node/data-parallel.ts): builds its replica on the coordinator's backend, loads the
 * starting weights, says `ready`, then takes one shard of every step until the coordinator terminates it. A failure
 * is posted on the job's error port (read synchronously by the blocked coordinator) before the run is marked failed.
 */
export async function runReplicaHelper(
  job: ReplicaJob,
  post: (message: WorkerMessage) => void,
): Promise<void> {
  const views = new LinkViews(job.link);
  let replica: Replica<LossValues>;
  try {
    await selectBackend(job.backend);
    replica = createReplica(job.model);
    loadPublishedWeights(replica, views);
  } catch (error) {
    return post({ kind: 'error', error: toErrorPayload(error) });
  }
  post({ kind: 'ready' });
  // The coordinator ends the run (or reports a failure) itself: this thread then only has to stop.
  const stop = (): never => {
    throw new StopReplica();
  };
  try {
    for (let seen = 0; ; seen++) {
      views.waitWhile(SLOT.go, seen, stop);
      trainShard(replica, views, job.index, stop);
      views.signal(SLOT.done);
    }
  } catch (error) {
    if (error instanceof StopReplica) return;
    job.errors.postMessage(toErrorPayload(error));
    views.fail();
  } finally {
    replica.dispose();
  }
}

class StopReplica extends Error {}
