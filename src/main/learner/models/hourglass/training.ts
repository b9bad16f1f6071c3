import * as tf from '@tensorflow/tfjs';
import { AppError } from '@shared/errors';
import { globalArgmax } from '@shared/pose2d/peaks';
import { cropToGrid } from '@shared/pose2d/targets';
import { subpixelLocation } from '@shared/pose2d/metrics';
import { createRng } from '@shared/random';
import { selectBackend } from '../../backend';
import type { NamedWeights } from '../named-weights';
import { HeatmapAuxNet, type HeatmapAuxOutput } from './aux';
import { HeatmapBatchBuilder, type HeatmapBatch } from './batch';
import { applyBatchNormUpdates, INFERENCE, type ForwardMode } from './layers';
import { aleatoricLoss, learningLossKl, perSampleHeatmapLoss, vl4poseLoss } from './losses';
import { HourglassModel } from './model';
import { checkLabelledCrops } from './inputs';
import type { HourglassConfig } from './types';
import { hasAuxHeads, validateHourglassConfig } from './validate';
import { detach } from '../../ops/detach';
import { mixSeed } from '../../ops/seeds';
import { loadInitialWeights, readInitialWeights } from '../../node/initial';
import type {
  HeatmapAuxLosses,
  HeatmapLabelledCrops,
  HeatmapTrainJob,
  HeatmapTrainProgress,
  HeatmapTrainResult,
} from '../../protocol';
import { jobSchedule, runTrainingLoop } from '../../training-loop';

/** Stream keys that keep the random streams of one seed apart. */
const SHUFFLE_STREAM = 0x5f1f;
const AUGMENT_STREAM = 0xa06;
const TRAIN_DROPOUT_STREAM = 0x7a2;
/** The learning-loss target divides by (annotated joints + this) (spec §5.1). */
const ANNOTATED_OFFSET = 0.1;

/** One validation pass: mean pose loss and mean grid-px location error on visible joints. */
export interface ValidationCheck {
  loss: number;
  gridError: number;
}

/** Losses of one step: the pose loss and each enabled head's loss. */
export interface HeatmapStepLosses {
  pose: number;
  aux: HeatmapAuxLosses;
}

/** The pose network, its optional auxiliary network and their one Adam optimiser (spec §3.3). */
export interface HeatmapNetworks {
  model: HourglassModel;
  aux: HeatmapAuxNet | null;
  optimizer: tf.Optimizer;
}

/** Fresh networks for `config`, weights initialised from `seed`; PyTorch's Adam ε (the reference's framework). */
export function createHeatmapNetworks(config: HourglassConfig, seed: number): HeatmapNetworks {
  return {
    model: new HourglassModel(config, seed),
    aux: hasAuxHeads(config) ? new HeatmapAuxNet(config, seed) : null,
    optimizer: tf.train.adam(config.learningRate, 0.9, 0.999, 1e-8),
  };
}

export function disposeHeatmapNetworks(learner: HeatmapNetworks): void {
  learner.model.dispose();
  learner.aux?.dispose();
  learner.optimizer.dispose();
}

/**
 * Trains an hourglass (and auxiliary heads) in this thread, fresh or from the job's initial checkpoint: shuffled batches (the last partial one dropped),
 * seeded augmentation, MC dropout on, one Adam step per batch. With a validation set, the weights of the epoch with
 * the lowest validation pose loss are returned (pose and auxiliary weights from the same epoch; the reference keeps
 * the auxiliary net of its own best epoch; the starting weights are checked too when fine-tuning), else the last. A
 * non-finite loss aborts with an error.
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
  const learner = createHeatmapNetworks(config, job.seed);
  try {
    if (initial !== null) {
      loadInitialWeights(learner.model, initial.weights, job.initialCheckpoint!);
      if (learner.aux !== null) loadInitialWeights(learner.aux, initial.weights, job.initialCheckpoint!);
    }
    const schedule = jobSchedule(job, config, initial !== null);
    const { count, batch } = schedule;
    const augment = createRng(mixSeed(job.seed, AUGMENT_STREAM));
    const builder = new HeatmapBatchBuilder(config, batch);
    const outcome = runTrainingLoop<
      { pose: number } & HeatmapAuxLosses,
      ValidationCheck,
      HeatmapTrainProgress
    >(
      {
        ...schedule,
        shuffleStream: SHUFFLE_STREAM,
        checkAfter: (_step, batchIndex, batchesPerEpoch) => batchIndex + 1 === batchesPerEpoch,
        checkAtEnd: false,
        step: (order, start, step) => {
          const losses = heatmapTrainStep(
            learner,
            builder.fill(job.train, order, start, batch, augment),
            job.seed,
            step,
          );
          return { pose: losses.pose, ...losses.aux };
        },
        validate: () => (val === null ? null : evaluateHeatmaps(learner.model, val, builder, batch)),
        readWeights: () => readLearnerWeights(learner),
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
      { pose: Number.NaN, ...noAuxLosses() },
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
      },
    };
  } finally {
    disposeHeatmapNetworks(learner);
  }
}

/**
 * One training step (spec §3.3): total = pose loss + the enabled heads' losses, one Adam step over pose and auxiliary
 * weights, then the BN running statistics. The auxiliary network reads detached taps, so its losses add nothing to
 * the pose weights' gradients. Dropout masks are keyed by (seed, step, row).
 */
export function heatmapTrainStep(
  learner: HeatmapNetworks,
  batch: HeatmapBatch,
  seed: number,
  step: number,
): HeatmapStepLosses {
  const { model, aux, optimizer } = learner;
  const mode: ForwardMode = { training: true, batchNormUpdates: [] };
  const variables = [...model.trainableVariables, ...(aux?.trainableVariables ?? [])];
  const kept: tf.Scalar[] = [];
  const keep = (loss: tf.Scalar): tf.Scalar => {
    kept.push(tf.keep(loss));
    return loss;
  };
  let headNames: (keyof HeatmapAuxLosses)[] = [];
  const { value, grads } = tf.tidy(() => {
    const tensors = batchTensors(batch, model.config);
    return tf.variableGrads(() => {
      const output = model.apply(tensors.x, mode, (row) => mixSeed(seed, TRAIN_DROPOUT_STREAM, step, row));
      const perSample = perSampleHeatmapLoss(output.heatmaps, tensors.heatmaps);
      const pose = keep(tf.mean(perSample));
      if (aux === null) return pose;
      const heads = auxLosses(aux.apply(output.taps), output.heatmaps.at(-1)!, perSample, batch, tensors);
      headNames = heads.map(([name]) => name);
      return tf.addN([pose, ...heads.map(([, loss]) => keep(loss))]) as tf.Scalar;
    }, variables);
  });
  optimizer.applyGradients(grads);
  applyBatchNormUpdates(mode.batchNormUpdates);
  const values = kept.map((loss) => loss.dataSync()[0]!);
  tf.dispose([value, ...Object.values(grads), ...kept]);
  const auxValues = noAuxLosses();
  headNames.forEach((name, i) => (auxValues[name] = values[i + 1]!));
  return { pose: values[0]!, aux: auxValues };
}

/** The enabled heads' losses, in VL4Pose, aleatoric, learning-loss order. */
function auxLosses(
  output: HeatmapAuxOutput,
  lastHeatmaps: tf.Tensor4D,
  perSampleLoss: tf.Tensor1D,
  batch: HeatmapBatch,
  tensors: BatchTensors,
): [keyof HeatmapAuxLosses, tf.Scalar][] {
  const losses: [keyof HeatmapAuxLosses, tf.Scalar][] = [];
  if (output.linkParams !== null) {
    losses.push(['vl4pose', vl4poseLoss(output.linkParams, tensors.linkDistances, tensors.linkMask)]);
  }
  if (output.aleatoricLogVar !== null) {
    // Read back, not traced: the argmax is a constant of the loss (the reference detaches the prediction).
    const squaredError = tf.tensor2d(squaredArgmaxErrors(lastHeatmaps, batch), tensors.exists.shape);
    losses.push(['aleatoric', aleatoricLoss(output.aleatoricLogVar, squaredError, tensors.exists)]);
  }
  if (output.predictedLoss !== null) {
    const trueLoss = tf.div(
      detach(perSampleLoss),
      tf.add(tensors.annotated, ANNOTATED_OFFSET),
    ) as tf.Tensor1D;
    losses.push(['learningLoss', learningLossKl(output.predictedLoss, trueLoss)]);
  }
  return losses;
}

/**
 * Spec §5.2's r: per sample and joint, the squared grid distance between the integer argmax (first in row-major
 * order on ties) of the predicted map [n, G, G, J] and that of the GT map; n×J.
 */
function squaredArgmaxErrors(heatmaps: tf.Tensor4D, batch: HeatmapBatch): Float32Array {
  const [, g, , j] = heatmaps.shape;
  const cells = g * g;
  const maps = tf.tidy(() => tf.transpose(heatmaps, [0, 3, 1, 2]).dataSync() as Float32Array);
  const errors = new Float32Array(batch.count * j);
  for (let m = 0; m < errors.length; m++) {
    const peak = globalArgmax(maps.subarray(m * cells, (m + 1) * cells), g, g);
    errors[m] = (peak.row - batch.argmax[2 * m]!) ** 2 + (peak.col - batch.argmax[2 * m + 1]!) ** 2;
  }
  return errors;
}

type BatchTensors = ReturnType<typeof batchTensors>;

/** The batch's arrays as tensors (call inside tf.tidy). */
function batchTensors(batch: HeatmapBatch, config: HourglassConfig) {
  const n = batch.count;
  const { inputSize: s, gridSize: g, joints: j, links } = config;
  const l = links.length;
  return {
    x: tf.tensor4d(batch.x.subarray(0, n * s * s * 3), [n, s, s, 3]),
    heatmaps: tf.tensor4d(batch.heatmaps.subarray(0, n * g * g * j), [n, g, g, j]),
    exists: tf.tensor2d(batch.exists.subarray(0, n * j), [n, j]),
    linkDistances: tf.tensor2d(batch.linkDistances.subarray(0, n * l), [n, l]),
    linkMask: tf.tensor2d(batch.linkMask.subarray(0, n * l), [n, l]),
    annotated: tf.tensor1d(batch.annotated.subarray(0, n)),
  };
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

function readLearnerWeights(learner: HeatmapNetworks): NamedWeights {
  const pose = learner.model.readWeights();
  return learner.aux === null ? pose : new Map([...pose, ...learner.aux.readWeights()]);
}

function noAuxLosses(): HeatmapAuxLosses {
  return { vl4pose: null, aleatoric: null, learningLoss: null };
}
