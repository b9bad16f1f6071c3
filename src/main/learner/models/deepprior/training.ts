import * as tf from '@tensorflow/tfjs';
import { AppError } from '@shared/errors';
import { selectBackend } from '../../backend';
import { checkCrops, cropsAtInputSize } from '../../inputs';
import { meanJointErrorMm, meanSquaredError } from '../../metrics';
import { dataParallelWorkers, startFrom } from '../../node/data-parallel';
import { loadInitialWeights, readInitialWeights } from '../../node/initial';
import { sharedCopy } from '../../node/shared-gradients';
import { mixSeed } from '../../ops/seeds';
import type { TrainJob, TrainProgress, TrainResult, ValidationSet } from '../../protocol';
import { jobSchedule, runTrainingLoop, validationSchedule } from '../../training-loop';
import { validateAuxConfig } from '../vl4pose-aux/validate';
import type { DeepPriorModel } from './model';
import { DeepPriorReplica, type DepthLosses } from './replica';
import type { DeepPriorConfig } from './types';
import { validateModelConfig } from './validate';

/** Stream keys that keep the different random streams of one seed apart. */
const SHUFFLE_STREAM = 0x5f1e;
const VAL_DROPOUT_STREAM = 0x7a1d;

/** A validation check: MSE (normalised, the selection criterion) and the mean joint error in mm with geometry. */
interface DepthCheck {
  loss: number;
  errorMm: number | null;
}

/**
 * Trains a model (spec §3: Adam, shuffled mini-batches, dropout on; with `job.augmentation`, every sample's crop and
 * targets freshly rotated, scaled and re-centred each epoch) in the shared loop, fresh or from the job's initial
 * checkpoint, data-parallel over `job.workers` threads (node/data-parallel.ts; one thread trains exactly as before), and returns the weights of the best validation check (lowest MSE, one seeded dropout pass, masks fixed
 * per validation sample so checks compare fairly; the starting weights are checked too when fine-tuning), or the
 * last weights without a validation set.
 */
export async function runTraining(
  job: TrainJob,
  onProgress: (progress: TrainProgress) => void,
): Promise<TrainResult> {
  const backend = await selectBackend(job.backend);
  const outputs = checkCrops('train', job.train, job.train.y);
  if (job.train.count === 0) throw new AppError('invalid_input', 'the training set is empty');
  const config = validateModelConfig({ ...job.config, outputs: job.config.outputs ?? outputs }, backend.name);
  if (config.outputs !== outputs)
    throw new AppError(
      'invalid_input',
      `targets have ${outputs} values per sample, config says ${config.outputs}`,
    );
  if (job.val !== undefined && checkCrops('val', job.val, job.val.y) !== outputs) {
    throw new AppError('invalid_input', 'validation targets and training targets differ in width');
  }
  const auxConfig = job.aux === undefined ? null : validateAuxConfig(job.aux);
  if (auxConfig !== null && auxConfig.parents.length * auxConfig.dims !== outputs) {
    throw new AppError(
      'invalid_input',
      `aux skeleton has ${auxConfig.parents.length} joints × ${auxConfig.dims} dims, targets have ${outputs} values`,
    );
  }

  const side = config.inputSize;
  const val = job.val === undefined || job.val.count === 0 ? null : job.val;
  const valX = val === null ? null : cropsAtInputSize(val, side);
  const initial =
    job.initialCheckpoint === undefined
      ? null
      : await readInitialWeights(job.initialCheckpoint, 'deepprior', config, auxConfig);
  const schedule = jobSchedule(job, config, initial !== null);
  const { count, batch } = schedule;
  const { validFreq } = validationSchedule(count, batch, config.validationsPerEpoch);
  const { batchesPerEpoch } = validationSchedule(count, batch, 1);
  const workers = dataParallelWorkers(job.workers, batch);
  // Helper threads read the training set from shared memory rather than from a copy each.
  const shared = (values: Float32Array): Float32Array => (workers > 1 ? sharedCopy(values) : values);
  const replica = new DeepPriorReplica({
    config,
    aux: auxConfig,
    seed: job.seed,
    x: shared(cropsAtInputSize(job.train, side)),
    y: shared(job.train.y),
    augmentation: job.augmentation === undefined ? null : { ranges: job.augmentation, batchesPerEpoch },
  });
  const stepper = await startFrom(
    replica,
    () => {
      if (initial === null) return;
      loadInitialWeights(replica.model, initial.weights, job.initialCheckpoint!);
      if (replica.head !== null && initial.hasAux)
        loadInitialWeights(replica.head, initial.weights, job.initialCheckpoint!);
    },
    { workers, batch, backend: backend.name, model: { kind: 'deepprior', spec: replica.spec } },
  );
  try {
    const outcome = runTrainingLoop<DepthLosses, DepthCheck, TrainProgress>(
      {
        ...schedule,
        shuffleStream: SHUFFLE_STREAM,
        checkAfter: (step) => (step + 1) % validFreq === 0,
        checkAtEnd: true,
        step: (order, start, step) => stepper.step(order.subarray(start, start + batch), step),
        validate: () =>
          val === null || valX === null ? null : evaluate(replica.model, valX, val, config, job.seed),
        readWeights: () => replica.readWeights(),
        progress: (position, losses, last, best) => ({
          ...position,
          loss: losses.pose,
          ...(losses.aux === null ? {} : { auxLoss: losses.aux }),
          ...(last === null ? {} : { valMse: last.loss }),
          ...(last?.errorMm == null ? {} : { valErrorMm: last.errorMm }),
          ...(best === null ? {} : { bestValMse: best.loss }),
        }),
        onProgress,
      },
      { pose: Number.NaN, aux: null },
    );
    const { best } = outcome;
    return {
      config,
      aux: auxConfig,
      backend,
      weights: outcome.weights,
      metrics: {
        bestValMse: best?.loss ?? null,
        bestValErrorMm: best?.errorMm ?? null,
        bestEpoch: best?.epoch ?? null,
        bestStep: best?.step ?? null,
        finalLoss: outcome.losses.pose,
        finalAuxLoss: outcome.losses.aux,
        epochs: config.epochs,
        epochsRun: outcome.epochsRun,
        stoppedEarly: outcome.stoppedEarly,
        startValMse: outcome.start?.loss ?? null,
        trainCount: count,
        valCount: job.val?.count ?? 0,
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

/** One seeded dropout pass over the validation set: MSE (normalised) and, with geometry, mean joint error in mm. */
function evaluate(
  model: DeepPriorModel,
  valX: Float32Array,
  val: ValidationSet,
  config: DeepPriorConfig,
  seed: number,
): DepthCheck {
  const side = config.inputSize;
  const predicted = new Float32Array(val.count * config.outputs);
  for (let start = 0; start < val.count; start += config.batchSize) {
    const n = Math.min(config.batchSize, val.count - start);
    const mean = tf.tidy(() => {
      const x = tf.tensor4d(valX.subarray(start * side * side, (start + n) * side * side), [
        n,
        side,
        side,
        1,
      ]);
      return model.apply(
        x,
        model.bayesian ? (row) => mixSeed(seed, VAL_DROPOUT_STREAM, start + row) : undefined,
      ).mean;
    });
    predicted.set(mean.dataSync() as Float32Array, start * config.outputs);
    mean.dispose();
  }
  return {
    loss: meanSquaredError(predicted, val.y),
    errorMm: val.geometry === undefined ? null : meanJointErrorMm(predicted, val.y, val.geometry, val.count),
  };
}
