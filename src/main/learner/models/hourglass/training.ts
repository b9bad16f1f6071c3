import * as tf from '@tensorflow/tfjs';
import { AppError } from '@shared/errors';
import { cropToGrid } from '@shared/pose2d/targets';
import { subpixelLocation } from '@shared/pose2d/metrics';
import { selectBackend } from '../../backend';
import { HeatmapBatchBuilder, batchTensors } from './batch';
import { INFERENCE } from './layers';
import { perSampleHeatmapLoss } from './losses';
import type { HourglassModel } from './model';
import { checkLabelledCrops } from './inputs';
import { HeatmapReplica, type HeatmapLosses } from './replica';
import { validateHourglassConfig } from './validate';
import { dataParallelWorkers, startFrom } from '../../node/data-parallel';
import { loadInitialWeights, readInitialWeights } from '../../node/initial';
import { sharedCopy } from '../../node/shared-gradients';
import type {
  HeatmapLabelledCrops,
  HeatmapTrainJob,
  HeatmapTrainProgress,
  HeatmapTrainResult,
} from '../../protocol';
import { jobSchedule, runTrainingLoop } from '../../training-loop';

/** Keeps this model's shuffle stream apart from its other random streams. */
const SHUFFLE_STREAM = 0x5f1f;

/** One validation pass: mean pose loss and mean grid-px location error on visible joints. */
export interface ValidationCheck {
  loss: number;
  gridError: number;
}

/**
 * Trains an hourglass (and auxiliary heads), fresh or from the job's initial checkpoint, data-parallel over
 * `job.workers` threads (models/hourglass/replica.ts; one thread trains exactly as before): shuffled batches (the last
 * partial one dropped), seeded augmentation, MC dropout on, one Adam step per batch. With a validation set, the
 * weights of the epoch with the lowest validation pose loss are returned (pose and auxiliary weights from the same
 * epoch; the reference keeps the auxiliary net of its own best epoch; the starting weights are checked too when
 * fine-tuning), else the last. A non-finite loss aborts with an error.
 */
export async function runHeatmapTraining(
  job: HeatmapTrainJob,
  onProgress: (progress: HeatmapTrainProgress) => void,
): Promise<HeatmapTrainResult> {
  const backend = await selectBackend(job.backend);
  const config = validateHourglassConfig(job.config, backend.name);
  checkLabelledCrops('train', job.train, config);
  if (job.train.count === 0) throw new AppError('invalid_input', 'the training set is empty');
  const val = job.val === undefined || job.val.count === 0 ? null : job.val;
  if (val !== null) checkLabelledCrops('val', val, config);

  const initial =
    job.initialCheckpoint === undefined
      ? null
      : await readInitialWeights(job.initialCheckpoint, 'hourglass', config);
  const schedule = jobSchedule(job, config, initial !== null);
  const { count, batch } = schedule;
  const workers = dataParallelWorkers(job.workers, batch);
  // Helper threads read the training set from shared memory rather than from a copy each.
  const train = workers > 1 ? sharedCrops(job.train) : job.train;
  const replica = new HeatmapReplica({ config, seed: job.seed, train, batch });
  const { model, aux } = replica.networks;
  const stepper = await startFrom(
    replica,
    () => {
      if (initial === null) return;
      loadInitialWeights(model, initial.weights, job.initialCheckpoint!);
      if (aux !== null) loadInitialWeights(aux, initial.weights, job.initialCheckpoint!);
    },
    { workers, batch, backend: backend.name, model: { kind: 'hourglass', spec: replica.spec } },
  );
  try {
    const builder = new HeatmapBatchBuilder(config, batch);
    const outcome = runTrainingLoop<HeatmapLosses, ValidationCheck, HeatmapTrainProgress>(
      {
        ...schedule,
        shuffleStream: SHUFFLE_STREAM,
        checkAfter: (_step, batchIndex, batchesPerEpoch) => batchIndex + 1 === batchesPerEpoch,
        checkAtEnd: false,
        step: (order, start, step) => stepper.step(order.subarray(start, start + batch), step),
        validate: () => (val === null ? null : evaluateHeatmaps(model, val, builder, batch)),
        readWeights: () => replica.readWeights(),
        progress: (position, { pose, ...aux }, last, best) => {
          const auxValues = Object.values(aux).filter((v): v is number => v !== null);
          return {
            ...position,
            loss: pose,
            ...(auxValues.length === 0 ? {} : { auxLoss: auxValues.reduce((a, v) => a + v, 0) }),
            auxLosses: aux,
            ...(last === null ? {} : { valMse: last.loss, valGridError: last.gridError }),
            ...(best === null ? {} : { bestValMse: best.loss }),
          };
        },
        onProgress,
      },
      { pose: Number.NaN, vl4pose: null, aleatoric: null, learningLoss: null },
    );
    const { best, losses } = outcome;
    const { pose: finalLoss, ...finalAuxLosses } = losses;
    return {
      config,
      backend,
      weights: outcome.weights,
      metrics: {
        bestValLoss: best?.loss ?? null,
        bestValGridError: best?.gridError ?? null,
        bestEpoch: best?.epoch ?? null,
        finalLoss,
        finalAuxLosses,
        epochs: config.epochs,
        epochsRun: outcome.epochsRun,
        stoppedEarly: outcome.stoppedEarly,
        startValLoss: outcome.start?.loss ?? null,
        trainCount: count,
        valCount: val?.count ?? 0,
        trainSeconds: outcome.trainSeconds,
        samplesPerSecond: outcome.samplesPerSecond,
        workers: stepper.workers,
      },
    };
  } finally {
    await stepper.close();
    replica.dispose();
  }
}

/**
 * Validation without augmentation or dropout (BN running statistics): the mean pose loss, and the mean grid-px
 * distance between the last stack's sub-pixel locations and the visible GT joints (a cheap PCK-like check).
 */
export function evaluateHeatmaps(
  model: HourglassModel,
  val: HeatmapLabelledCrops,
  builder: HeatmapBatchBuilder,
  batchSize: number,
): ValidationCheck {
  const { inputSize: s, gridSize: g, joints: j } = model.config;
  const cells = g * g;
  let lossSum = 0;
  let errorSum = 0;
  let visible = 0;
  for (let start = 0; start < val.count; start += batchSize) {
    const n = Math.min(batchSize, val.count - start);
    const data = builder.fill(val, null, start, n, null);
    const [perSample, maps] = tf.tidy(() => {
      const tensors = batchTensors(data, model.config);
      const output = model.apply(tensors.x, INFERENCE);
      return [
        perSampleHeatmapLoss(output.heatmaps, tensors.heatmaps),
        tf.transpose(output.heatmaps.at(-1)!, [0, 3, 1, 2]),
      ];
    });
    for (const value of perSample.dataSync()) lossSum += value;
    const values = maps.dataSync() as Float32Array;
    tf.dispose([perSample, maps]);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < j; k++) {
        if (data.visibility[r * j + k] !== 1) continue;
        const at = (r * j + k) * 2;
        const found = subpixelLocation(values.subarray((r * j + k) * cells, (r * j + k + 1) * cells), g, g);
        errorSum += Math.hypot(
          found.row - cropToGrid(data.joints[at]!, s, g),
          found.col - cropToGrid(data.joints[at + 1]!, s, g),
        );
        visible++;
      }
    }
  }
  return { loss: lossSum / val.count, gridError: visible === 0 ? Number.NaN : errorSum / visible };
}

/** The training set in shared memory, for data-parallel helper threads. */
function sharedCrops(crops: HeatmapLabelledCrops): HeatmapLabelledCrops {
  const { x, joints, visibility } = crops;
  return { ...crops, x: sharedCopy(x), joints: sharedCopy(joints), visibility: sharedCopy(visibility) };
}
