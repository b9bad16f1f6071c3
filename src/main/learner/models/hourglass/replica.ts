import * as tf from '@tensorflow/tfjs';
import { globalArgmax } from '@shared/pose2d/peaks';
import { createRng, type Rng } from '@shared/random';
import { detach } from '../../ops/detach';
import { mixSeed } from '../../ops/seeds';
import type { HeatmapAuxLosses, HeatmapLabelledCrops } from '../../protocol';
import type { AllReduce, Replica, ShardGradients } from '../../replica';
import type { NamedWeights } from '../named-weights';
import { HeatmapAuxNet, type HeatmapAuxOutput } from './aux';
import { batchTensors, HeatmapBatchBuilder, type BatchTensors, type HeatmapBatch } from './batch';
import { applyBatchNormUpdates, type BatchNormUpdate, type ForwardMode } from './layers';
import { aleatoricLoss, learningLossKl, perSampleHeatmapLoss, vl4poseLoss } from './losses';
import { HourglassModel } from './model';
import type { HourglassConfig } from './types';
import { hasAuxHeads } from './validate';

/** Stream keys that keep the random streams of one seed apart. */
const AUGMENT_STREAM = 0xa06;
const TRAIN_DROPOUT_STREAM = 0x7a2;
/** The learning-loss target divides by (annotated joints + this) (spec §5.1). */
const ANNOTATED_OFFSET = 0.1;

/** Losses of one step: the pose loss and each enabled head's loss (null: off). */
export type HeatmapLosses = { pose: number } & { [K in keyof HeatmapAuxLosses]: HeatmapAuxLosses[K] };

/** What builds a heatmap replica: the same on every worker thread (the arrays may be shared memory). */
export interface HeatmapReplicaSpec {
  config: HourglassConfig;
  seed: number;
  train: HeatmapLabelledCrops;
  /** Rows per step (every worker's shard together). */
  batch: number;
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
 * The hourglass (and auxiliary net) with its optimiser as a data-parallel replica: spec §3.3's step, total = pose
 * loss + the enabled heads' losses, one Adam step over pose and auxiliary weights, then the BN running statistics.
 * The auxiliary net reads detached taps, so its losses add nothing to the pose weights' gradients. Every replica
 * draws the whole batch's augmentations from its own copy of the seeded stream and builds only its shard's rows;
 * dropout masks are keyed by (seed, step, batch row). Split over workers, batch norm uses the whole batch's statistics
 * and the learning loss pairs rows across shards (both through `allReduce`), so the shards' gradients sum to the
 * whole batch's.
 */
export class HeatmapReplica implements Replica<HeatmapLosses> {
  readonly networks: HeatmapNetworks;
  readonly lossNames = ['pose', 'vl4pose', 'aleatoric', 'learningLoss'] as const;
  readonly reduceSize: number;
  private readonly builder: HeatmapBatchBuilder;
  private readonly augment: Rng;
  private pending: BatchNormUpdate[] = [];

  constructor(readonly spec: HeatmapReplicaSpec) {
    const { config, seed, batch } = spec;
    this.networks = createHeatmapNetworks(config, seed);
    this.builder = new HeatmapBatchBuilder(config, batch);
    this.augment = createRng(mixSeed(seed, AUGMENT_STREAM));
    // Batch norm sums two values per channel at once, the learning loss two per row.
    const channels = Math.max(0, ...this.state.map((v) => v.size));
    this.reduceSize = 2 * Math.max(channels, batch);
  }

  get variables(): tf.Variable[] {
    const { model, aux } = this.networks;
    return [...model.trainableVariables, ...(aux?.trainableVariables ?? [])];
  }

  get state(): tf.Variable[] {
    return this.networks.model.stateVariables;
  }

  gradients(
    rows: Int32Array,
    from: number,
    count: number,
    batch: number,
    step: number,
    allReduce: AllReduce | null,
  ): ShardGradients<HeatmapLosses> {
    const { config, seed, train } = this.spec;
    const { model, aux } = this.networks;
    const data = this.builder.fill(train, rows, 0, batch, this.augment, { from, count });
    const share = count / batch;
    // A whole batch keeps its losses unscaled, so one worker computes exactly what it always did.
    const scaled = (loss: tf.Scalar): tf.Scalar => (share === 1 ? loss : tf.mul(loss, share));
    const sync = allReduce === null ? {} : { sync: { rows: batch, allReduce } };
    const mode: ForwardMode = { training: true, batchNormUpdates: [], ...sync };
    const variables = this.variables;
    const kept: tf.Scalar[] = [];
    const keep = (loss: tf.Scalar): tf.Scalar => {
      kept.push(tf.keep(loss));
      return loss;
    };
    let headNames: (keyof HeatmapAuxLosses)[] = [];
    const { value, grads } = tf.tidy(() => {
      const tensors = batchTensors(data, config);
      return tf.variableGrads(() => {
        const output = model.apply(tensors.x, mode, (row) =>
          mixSeed(seed, TRAIN_DROPOUT_STREAM, step, from + row),
        );
        const perSample = perSampleHeatmapLoss(output.heatmaps, tensors.heatmaps);
        const pose = keep(scaled(tf.mean(perSample)));
        if (aux === null) return pose;
        const pairing = allReduce === null ? null : { from, batch, share, allReduce };
        const heads = auxLosses(aux.apply(output.taps), output.heatmaps.at(-1)!, perSample, data, tensors, {
          scaled,
          pairing,
        });
        headNames = heads.map(([name]) => name);
        return tf.addN([pose, ...heads.map(([, loss]) => keep(loss))]) as tf.Scalar;
      }, variables);
    });
    this.pending = mode.batchNormUpdates;
    const values = kept.map((loss) => loss.dataSync()[0]!);
    tf.dispose([value, ...kept]);
    const losses: HeatmapLosses = { pose: values[0]!, vl4pose: null, aleatoric: null, learningLoss: null };
    headNames.forEach((name, i) => (losses[name] = values[i + 1]!));
    // A weight the step did not reach gets a zero gradient (Adam then leaves it where it is).
    return { grads: variables.map((v) => grads[v.name] ?? tf.zerosLike(v)), losses };
  }

  apply(grads: readonly tf.Tensor[]): void {
    const variables = this.variables;
    this.networks.optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, grads[i]!])));
    applyBatchNormUpdates(this.pending);
    this.pending = [];
  }

  readWeights(): NamedWeights {
    const { model, aux } = this.networks;
    const pose = model.readWeights();
    return aux === null ? pose : new Map([...pose, ...aux.readWeights()]);
  }

  dispose(): void {
    tf.dispose(this.pending.flatMap(({ mean, variance }) => [mean, variance]));
    disposeHeatmapNetworks(this.networks);
  }
}

/** Where a shard's rows sit in the batch, for the learning loss's pairs (null: the whole batch is here). */
interface Pairing {
  from: number;
  batch: number;
  share: number;
  allReduce: AllReduce;
}

/** The enabled heads' losses, in VL4Pose, aleatoric, learning-loss order (the first two scaled to the shard's share). */
function auxLosses(
  output: HeatmapAuxOutput,
  lastHeatmaps: tf.Tensor4D,
  perSampleLoss: tf.Tensor1D,
  batch: HeatmapBatch,
  tensors: BatchTensors,
  shard: { scaled: (loss: tf.Scalar) => tf.Scalar; pairing: Pairing | null },
): [keyof HeatmapAuxLosses, tf.Scalar][] {
  const losses: [keyof HeatmapAuxLosses, tf.Scalar][] = [];
  if (output.linkParams !== null) {
    const loss = vl4poseLoss(output.linkParams, tensors.linkDistances, tensors.linkMask);
    losses.push(['vl4pose', shard.scaled(loss)]);
  }
  if (output.aleatoricLogVar !== null) {
    // Read back, not traced: the argmax is a constant of the loss (the reference detaches the prediction).
    const squaredError = tf.tensor2d(squaredArgmaxErrors(lastHeatmaps, batch), tensors.exists.shape);
    const loss = aleatoricLoss(output.aleatoricLogVar, squaredError, tensors.exists);
    losses.push(['aleatoric', shard.scaled(loss)]);
  }
  if (output.predictedLoss !== null) {
    const trueLoss = tf.div(
      detach(perSampleLoss),
      tf.add(tensors.annotated, ANNOTATED_OFFSET),
    ) as tf.Tensor1D;
    const loss =
      shard.pairing === null
        ? learningLossKl(output.predictedLoss, trueLoss)
        : pairedAcrossShards(output.predictedLoss, trueLoss, shard.pairing);
    losses.push(['learningLoss', loss]);
  }
  return losses;
}

/**
 * The learning loss pairs batch rows i and i + n/2, which may sit in different shards: every worker gathers the whole
 * batch's predictions and true losses and evaluates the whole loss with only its own predictions live, so its
 * gradient is its rows' part of the whole loss's; the value is scaled to the shard's share (the detached part has no
 * gradient), so the workers' values sum to the loss.
 */
function pairedAcrossShards(predicted: tf.Tensor1D, trueLoss: tf.Tensor1D, pairing: Pairing): tf.Scalar {
  const { from, batch, share, allReduce } = pairing;
  const n = predicted.shape[0];
  const own = new Float32Array(2 * batch);
  own.set(predicted.dataSync() as Float32Array, from);
  own.set(trueLoss.dataSync() as Float32Array, batch + from);
  const all = allReduce(own);
  const others = (start: number, end: number): tf.Tensor1D[] =>
    end > start ? [tf.tensor1d(all.subarray(start, end))] : [];
  const predictions = tf.concat([...others(0, from), predicted, ...others(from + n, batch)]);
  const whole = learningLossKl(predictions, tf.tensor1d(all.subarray(batch)));
  return tf.sub(whole, tf.mul(detach(whole), 1 - share));
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
