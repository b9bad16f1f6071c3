import * as tf from '@tensorflow/tfjs';
import { AppError } from '@shared/errors';
import { createRng, permutation } from '@shared/random';
import { selectBackend } from './backend';
import { checkCrops, cropsAtInputSize, gatherRows } from './inputs';
import { meanJointErrorMm, meanSquaredError } from './metrics';
import { poseLoss } from './models/deepprior/losses';
import { DeepPriorModel } from './models/deepprior/model';
import type { NamedWeights } from './models/named-weights';
import type { DeepPriorConfig } from './models/deepprior/types';
import { validateModelConfig } from './models/deepprior/validate';
import { Vl4PoseAuxHead } from './models/vl4pose-aux/model';
import { validateAuxConfig } from './models/vl4pose-aux/validate';
import { mixSeed } from './ops/seeds';
import type { TrainJob, TrainProgress, TrainResult, ValidationSet, WeightTable } from './protocol';

/** Stream keys that keep the different random streams of one seed apart. */
const SHUFFLE_STREAM = 0x5f1e;
const TRAIN_DROPOUT_STREAM = 0x7a1;
const VAL_DROPOUT_STREAM = 0x7a1d;

/**
 * Batches per epoch and the validation period (spec §3.3, T10): floor(N / batch) batches (the last partial batch is
 * dropped; a set smaller than one batch trains on one batch of N), checks every floor(batches / checksPerEpoch)
 * steps, at least 1 (the reference divides by zero below 192 samples, G4).
 */
export function validationSchedule(
  count: number,
  batchSize: number,
  checksPerEpoch: number,
): { batchesPerEpoch: number; validFreq: number } {
  const batchesPerEpoch = Math.max(1, Math.floor(count / batchSize));
  return { batchesPerEpoch, validFreq: Math.max(1, Math.floor(batchesPerEpoch / checksPerEpoch)) };
}

/** Throughput, done fraction and ETA of a training run after `step` of `totalSteps` steps of `batch` samples. */
export function stepTiming(
  started: number,
  step: number,
  totalSteps: number,
  batch: number,
): { samplesPerSecond: number; fraction: number; etaSeconds: number } {
  const seconds = (performance.now() - started) / 1000;
  const fraction = step / totalSteps;
  return {
    samplesPerSecond: (step * batch) / seconds,
    fraction,
    etaSeconds: (seconds / fraction) * (1 - fraction),
  };
}

/**
 * Trains a fresh model (spec §3: Adam, shuffled mini-batches, dropout on) and returns the weights of the best
 * validation check (lowest MSE, one seeded dropout pass, masks fixed per validation sample so checks compare fairly),
 * or the last weights without a validation set. A non-finite loss aborts the run with an error: nothing is returned,
 * so the caller's previous checkpoint stays in use.
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
  const valX = job.val === undefined || job.val.count === 0 ? null : cropsAtInputSize(job.val, side);
  const model = new DeepPriorModel(config, job.seed);
  const aux = auxConfig === null ? null : new Vl4PoseAuxHead(auxConfig, config.denseUnits[1], job.seed);
  const poseOptimizer = tf.train.adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
  const auxOptimizer =
    aux === null ? null : tf.train.adam(auxConfig!.learningRate, 0.9, 0.999, config.adamEpsilon);
  try {
    const count = job.train.count;
    const batch = Math.min(config.batchSize, count);
    const { batchesPerEpoch, validFreq } = validationSchedule(count, batch, config.validationsPerEpoch);
    const totalSteps = batchesPerEpoch * config.epochs;
    const rng = createRng(mixSeed(job.seed, SHUFFLE_STREAM));
    const xBatch = new Float32Array(batch * side * side);
    const yBatch = new Float32Array(batch * outputs);
    const started = performance.now();
    let best: {
      mse: number;
      errorMm: number | null;
      epoch: number;
      step: number;
      weights: NamedWeights;
    } | null = null;
    let last: { mse: number; errorMm: number | null } | null = null;
    let loss = Number.NaN;
    let auxLoss: number | null = null;

    const validate = (epoch: number, step: number): void => {
      if (valX === null || job.val === undefined) return;
      last = evaluate(model, valX, job.val, config, job.seed);
      if (best === null || last.mse < best.mse) {
        best = { ...last, epoch, step, weights: mergeWeights(model.readWeights(), aux?.readWeights()) };
      }
    };

    for (let epoch = 1, step = 1; epoch <= config.epochs; epoch++) {
      const order = permutation(count, rng);
      for (let b = 0; b < batchesPerEpoch; b++, step++) {
        gatherRows(trainX, side * side, order, b * batch, batch, xBatch);
        gatherRows(job.train.y, outputs, order, b * batch, batch, yBatch);
        [loss, auxLoss] = trainStep(
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
        if (!Number.isFinite(loss) || (auxLoss !== null && !Number.isFinite(auxLoss))) {
          throw new AppError(
            'internal',
            `training diverged: ${Number.isFinite(loss) ? 'aux' : 'pose'} loss is ${Number.isFinite(loss) ? auxLoss : loss} at epoch ${epoch}, batch ${b + 1}; no checkpoint was written and the previous model stays in use`,
            'loss',
          );
        }
        if ((step + 1) % validFreq === 0) validate(epoch, step);
        const lastCheck = last as { mse: number; errorMm: number | null } | null;
        const bestCheck = best as { mse: number } | null;
        onProgress({
          phase: 'train',
          epoch,
          epochs: config.epochs,
          batch: b + 1,
          batchesPerEpoch,
          loss,
          ...(auxLoss === null ? {} : { auxLoss }),
          ...(lastCheck === null ? {} : { valMse: lastCheck.mse }),
          ...(lastCheck?.errorMm == null ? {} : { valErrorMm: lastCheck.errorMm }),
          ...(bestCheck === null ? {} : { bestValMse: bestCheck.mse }),
          ...stepTiming(started, step, totalSteps, batch),
        });
      }
    }
    // The schedule may end between checks: look at the final weights too.
    validate(config.epochs, totalSteps);
    const trainSeconds = (performance.now() - started) / 1000;
    const kept = best as {
      mse: number;
      errorMm: number | null;
      epoch: number;
      step: number;
      weights: NamedWeights;
    } | null;
    const weights = kept?.weights ?? mergeWeights(model.readWeights(), aux?.readWeights());
    return {
      config,
      aux: auxConfig,
      backend,
      weights: toWeightTable(weights),
      metrics: {
        bestValMse: kept?.mse ?? null,
        bestValErrorMm: kept?.errorMm ?? null,
        bestEpoch: kept?.epoch ?? null,
        bestStep: kept?.step ?? null,
        finalLoss: loss,
        finalAuxLoss: auxLoss,
        epochs: config.epochs,
        trainCount: count,
        valCount: job.val?.count ?? 0,
        trainSeconds,
        samplesPerSecond: (totalSteps * batch) / trainSeconds,
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
): { mse: number; errorMm: number | null } {
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
    mse: meanSquaredError(predicted, val.y),
    errorMm: val.geometry === undefined ? null : meanJointErrorMm(predicted, val.y, val.geometry, val.count),
  };
}

function mergeWeights(pose: NamedWeights, aux: NamedWeights | undefined): NamedWeights {
  return aux === undefined ? pose : new Map([...pose, ...aux]);
}

export function toWeightTable(weights: NamedWeights): WeightTable {
  const entries = [...weights];
  return {
    names: entries.map(([name]) => name),
    shapes: entries.map(([, w]) => w.shape),
    values: entries.map(([, w]) => w.values),
  };
}

export function fromWeightTable(table: WeightTable): NamedWeights {
  return new Map(table.names.map((name, i) => [name, { shape: table.shapes[i]!, values: table.values[i]! }]));
}
