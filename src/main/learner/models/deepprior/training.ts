import * as tf from '@tensorflow/tfjs';
import { AppError } from '@shared/errors';
import { selectBackend } from '../../backend';
import { checkCrops, cropsAtInputSize, gatherRows } from '../../inputs';
import { meanJointErrorMm, meanSquaredError } from '../../metrics';
import type { NamedWeights } from '../named-weights';
import { loadInitialWeights, readInitialWeights } from '../../node/initial';
import { mixSeed } from '../../ops/seeds';
import type { TrainJob, TrainProgress, TrainResult, ValidationSet } from '../../protocol';
import { jobSchedule, runTrainingLoop, validationSchedule } from '../../training-loop';
import { Vl4PoseAuxHead } from '../vl4pose-aux/model';
import { validateAuxConfig } from '../vl4pose-aux/validate';
import { augmentBatch } from './augment';
import { poseLoss } from './losses';
import { DeepPriorModel } from './model';
import type { DeepPriorConfig } from './types';
import { validateModelConfig } from './validate';

/** Stream keys that keep the different random streams of one seed apart. */
const SHUFFLE_STREAM = 0x5f1e;
const TRAIN_DROPOUT_STREAM = 0x7a1;
const VAL_DROPOUT_STREAM = 0x7a1d;

/** A validation check: MSE (normalised, the selection criterion) and the mean joint error in mm with geometry. */
interface DepthCheck {
  loss: number;
  errorMm: number | null;
}

/**
 * Trains a model (spec §3: Adam, shuffled mini-batches, dropout on; with `job.augmentation`, every sample's crop and
 * targets freshly rotated, scaled and re-centred each epoch) in the shared loop, fresh or from the job's initial
 * checkpoint, and returns the weights of the best validation check (lowest MSE, one seeded dropout pass, masks fixed
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
  const trainX = cropsAtInputSize(job.train, side);
  const val = job.val === undefined || job.val.count === 0 ? null : job.val;
  const valX = val === null ? null : cropsAtInputSize(val, side);
  const initial =
    job.initialCheckpoint === undefined
      ? null
      : await readInitialWeights(job.initialCheckpoint, 'deepprior', config, auxConfig);
  const model = new DeepPriorModel(config, job.seed);
  const aux = auxConfig === null ? null : new Vl4PoseAuxHead(auxConfig, config.denseUnits[1], job.seed);
  if (initial !== null) {
    loadInitialWeights(model, initial.weights, job.initialCheckpoint!);
    if (aux !== null && initial.hasAux) loadInitialWeights(aux, initial.weights, job.initialCheckpoint!);
  }
  const poseOptimizer = tf.train.adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
  const auxOptimizer =
    aux === null ? null : tf.train.adam(auxConfig!.learningRate, 0.9, 0.999, config.adamEpsilon);
  try {
    const schedule = jobSchedule(job, config, initial !== null);
    const { count, batch } = schedule;
    const { validFreq } = validationSchedule(count, batch, config.validationsPerEpoch);
    const { batchesPerEpoch } = validationSchedule(count, batch, 1);
    const xBatch = new Float32Array(batch * side * side);
    const yBatch = new Float32Array(batch * outputs);
    const scratch = new Float32Array(side * side);
    const readWeights = (): NamedWeights => mergeWeights(model.readWeights(), aux?.readWeights());
    const outcome = runTrainingLoop<{ pose: number; aux: number | null }, DepthCheck, TrainProgress>(
      {
        ...schedule,
        shuffleStream: SHUFFLE_STREAM,
        checkAfter: (step) => (step + 1) % validFreq === 0,
        checkAtEnd: true,
        step: (order, start, step) => {
          gatherRows(trainX, side * side, order, start, batch, xBatch);
          gatherRows(job.train.y, outputs, order, start, batch, yBatch);
          if (job.augmentation !== undefined) {
            const epoch = Math.ceil(step / batchesPerEpoch);
            const key = { seed: job.seed, epoch, order, start };
            augmentBatch({ x: xBatch, y: yBatch, count: batch }, side, job.augmentation, key, scratch);
          }
          const [pose, auxLoss] = trainStep(
            model,
            aux,
            poseOptimizer,
            auxOptimizer,
            xBatch,
            yBatch,
            batch,
            config,
            job.seed,
            step,
          );
          return { pose, aux: auxLoss };
        },
        validate: () => (val === null || valX === null ? null : evaluate(model, valX, val, config, job.seed)),
        readWeights,
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
      },
    };
  } finally {
    model.dispose();
    aux?.dispose();
    poseOptimizer.dispose();
    auxOptimizer?.dispose();
  }
}

/** One Adam step on one batch; returns the pose loss and the aux loss (null without the head). */
export function trainStep(
  model: DeepPriorModel,
  aux: Vl4PoseAuxHead | null,
  poseOptimizer: tf.Optimizer,
  auxOptimizer: tf.Optimizer | null,
  xBatch: Float32Array,
  yBatch: Float32Array,
  batch: number,
  config: DeepPriorConfig,
  seed: number,
  step: number,
): [number, number | null] {
  const side = config.inputSize;
  let poseLossValue: tf.Scalar | null = null;
  let auxLossValue: tf.Scalar | null = null;
  const poseVariables = model.trainableVariables;
  const auxVariables = aux?.trainableVariables ?? [];
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(xBatch, [batch, side, side, 1]);
    const y = tf.tensor2d(yBatch, [batch, config.outputs]);
    return tf.variableGrads(() => {
      const output = model.apply(
        x,
        model.bayesian ? (row) => mixSeed(seed, TRAIN_DROPOUT_STREAM, step, row) : undefined,
      );
      const pose = poseLoss(config.loss, y, output.mean, output.logVar);
      poseLossValue = tf.keep(pose);
      if (aux === null) return pose;
      // The head's features are detached, so the sum's gradient w.r.t. pose weights is the pose loss's alone.
      const auxLoss = aux.loss(y, aux.apply(output.features));
      auxLossValue = tf.keep(auxLoss);
      return tf.add(pose, auxLoss);
    }, [...poseVariables, ...auxVariables]);
  });
  poseOptimizer.applyGradients(Object.fromEntries(poseVariables.map((v) => [v.name, grads[v.name]!])));
  auxOptimizer?.applyGradients(Object.fromEntries(auxVariables.map((v) => [v.name, grads[v.name]!])));
  const lossValue = (poseLossValue as tf.Scalar | null)!.dataSync()[0]!;
  const auxValue = auxLossValue === null ? null : (auxLossValue as tf.Scalar).dataSync()[0]!;
  tf.dispose(
    [value, ...Object.values(grads), poseLossValue, auxLossValue].filter((t): t is tf.Tensor => t !== null),
  );
  return [lossValue, auxValue];
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

function mergeWeights(pose: NamedWeights, aux: NamedWeights | undefined): NamedWeights {
  return aux === undefined ? pose : new Map([...pose, ...aux]);
}
