import { selectBackend, type BackendName } from '../../backend';
import type { MovenetName } from './constants';
import { loadMovenet } from './model';

/** Zero-shot keypoints for RGB crops, run in a learner worker like every other model job. */
export interface PretrainedPoseJob {
  kind: 'pretrained-pose';
  backend?: BackendName;
  model: MovenetName;
  /** N×S×S×3 crops, pixel/256, S = the model's input size. */
  crops: Float32Array;
  count: number;
  size: number;
}

export interface PretrainedPoseResult {
  backend: string;
  model: MovenetName;
  label: string;
  /** N×17×3: per COCO keypoint (col, row) in crop pixels and the detector's score. */
  keypoints: Float32Array;
}

export interface PretrainedPoseProgress {
  phase: 'predict';
  samplePassesDone: number;
}

/** Loads the model once and runs it over every crop, reporting progress every few crops. */
export async function runPretrainedPoseJob(
  job: PretrainedPoseJob,
  onProgress: (progress: PretrainedPoseProgress) => void,
): Promise<PretrainedPoseResult> {
  const backend = await selectBackend(job.backend);
  const model = await loadMovenet(job.model);
  try {
    if (job.size !== model.inputSize)
      throw new Error(`${model.label} takes ${model.inputSize}-px crops, got ${job.size}`);
    const pixels = job.size * job.size * 3;
    const keypoints = new Float32Array(job.count * 17 * 3);
    let reported = 0;
    for (let i = 0; i < job.count; i++) {
      const points = model.predict(job.crops.subarray(i * pixels, (i + 1) * pixels));
      points.forEach((p, k) => keypoints.set([p.u, p.v, p.score], (i * 17 + k) * 3));
      if (i + 1 - reported >= 4 || i + 1 === job.count) {
        onProgress({ phase: 'predict', samplePassesDone: i + 1 - reported });
        reported = i + 1;
      }
    }
    return { backend: backend.name, model: job.model, label: model.label, keypoints };
  } finally {
    model.dispose();
  }
}
