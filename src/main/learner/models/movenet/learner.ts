import type { BackendName } from '../../backend';
import { runInWorker } from '../../node/pool';
import type { PretrainedPoseProgress, PretrainedPoseResult } from './job';
import type { MovenetName } from './constants';

export interface PretrainedPoseOptions {
  model: MovenetName;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (samplesDone: number) => void;
}

/**
 * Zero-shot keypoints of RGB person crops (N×S×S×3, pixel/256) with the shipped pretrained model, in one worker
 * thread (the model loads once per call). The crops are moved into the worker.
 */
export async function predictPretrainedPose(
  crops: { x: Float32Array; count: number; size: number },
  options: PretrainedPoseOptions,
): Promise<PretrainedPoseResult> {
  let done = 0;
  return runInWorker<PretrainedPoseResult, PretrainedPoseProgress>(
    {
      kind: 'pretrained-pose',
      model: options.model,
      crops: crops.x,
      count: crops.count,
      size: crops.size,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    },
    {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (progress) => options.onProgress?.((done += progress.samplePassesDone)),
      transfer: [crops.x.buffer as ArrayBuffer],
    },
  );
}
