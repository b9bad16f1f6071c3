/**
 * Worker-thread entry of the learner (bundled as out/main/learner-worker.js). It runs the one job given in
 * `workerData` with its own TensorFlow.js engine and posts WorkerMessages: progress, then one result or error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '@shared/errors';
import { runHeatmapTraining } from '../models/hourglass/training';
import type { LearnerJob, ParentMessage, PredictResult, TrainResult, WorkerMessage } from '../protocol';
import { runTraining } from '../models/deepprior/training';
import { runPretrainedPoseJob } from '../models/movenet/job';
import { runBenchJob, runHeatmapBenchJob } from './bench-jobs';
import { runHeatmapPredictJob, runPredictJob, type Cooperation } from './jobs';
import { runReplicaHelper } from './replica-worker';

const port = parentPort;
if (port === null) throw new Error('learner worker must run in a worker thread');
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);
const job = workerData as LearnerJob;
// The parent's `cancel` reaches jobs that declared themselves cooperative; they stop between native runs.
let cancelRequested = false;
port.on('message', (message: ParentMessage) => {
  if (message.kind === 'cancel') cancelRequested = true;
});
port.unref();
const cooperation: Cooperation = {
  declare: () => post({ kind: 'cooperative' }),
  stopRequested: () => cancelRequested,
};

async function run(): Promise<void> {
  switch (job.kind) {
    case 'train': {
      const result: TrainResult = await runTraining(job, (progress) => post({ kind: 'progress', progress }));
      return post(
        { kind: 'result', result },
        result.weights.values.map((v) => v.buffer as ArrayBuffer),
      );
    }
    case 'predict': {
      const result: PredictResult = await runPredictJob(
        job,
        (progress) => post({ kind: 'progress', progress }),
        cooperation,
      );
      const arrays = [
        result.mean,
        result.std,
        result.aleatoric,
        result.meanLogVar,
        result.embedding,
        result.aux?.offsetMean,
        result.aux?.offsetLogVar,
      ];
      return post(
        { kind: 'result', result },
        arrays.flatMap((a) => (a == null ? [] : [a.buffer as ArrayBuffer])),
      );
    }
    case 'bench': {
      const result = await runBenchJob(job, cooperation);
      return post(
        { kind: 'result', result },
        result.weights.values.map((v) => v.buffer as ArrayBuffer),
      );
    }
    case 'train-heatmap': {
      const result = await runHeatmapTraining(job, (progress) => post({ kind: 'progress', progress }));
      return post(
        { kind: 'result', result },
        result.weights.values.map((v) => v.buffer as ArrayBuffer),
      );
    }
    case 'predict-heatmap': {
      const result = await runHeatmapPredictJob(job, (progress) => post({ kind: 'progress', progress }));
      const arrays = [
        result.location,
        result.locationStd,
        result.peakValue,
        result.peaks,
        result.linkParams,
        result.aleatoricLogVar,
        result.predictedLoss,
        result.embedding,
      ];
      return post(
        { kind: 'result', result },
        arrays.flatMap((a) => (a === null ? [] : [a.buffer as ArrayBuffer])),
      );
    }
    case 'bench-heatmap':
      return post({ kind: 'result', result: await runHeatmapBenchJob(job) });
    case 'pretrained-pose': {
      const result = await runPretrainedPoseJob(job, (progress) => post({ kind: 'progress', progress }));
      return post({ kind: 'result', result }, [result.keypoints.buffer as ArrayBuffer]);
    }
    case 'replica':
      return runReplicaHelper(job, post);
  }
}

run().catch((error: unknown) => post({ kind: 'error', error: toErrorPayload(error) }));
