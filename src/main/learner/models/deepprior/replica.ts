import * as tf from '@tensorflow/tfjs';
import { gatherRows } from '../../inputs';
import { mixSeed } from '../../ops/seeds';
import type { Replica, ShardGradients } from '../../replica';
import type { NamedWeights } from '../named-weights';
import { Vl4PoseAuxHead } from '../vl4pose-aux/model';
import type { Vl4PoseAuxConfig } from '../vl4pose-aux/types';
import { augmentBatch, type DepthAugmentation } from './augment';
import { poseLoss } from './losses';
import { DeepPriorModel } from './model';
import type { DeepPriorConfig } from './types';

/** Keeps the training dropout stream of a seed apart from its other random streams. */
const TRAIN_DROPOUT_STREAM = 0x7a1;

export type DepthLosses = { pose: number; aux: number | null };

/** What builds a DeepPrior replica: the same on every worker thread (the arrays may be shared memory). */
export interface DeepPriorReplicaSpec {
  config: DeepPriorConfig;
  aux: Vl4PoseAuxConfig | null;
  seed: number;
  /** Training crops at the input size, N×side×side, and their targets N×outputs. */
  x: Float32Array;
  y: Float32Array;
  /**
   * Fresh random turns, scales and centre shifts of every training crop, keyed per (seed, epoch, sample), so a
   * sample is augmented alike whichever worker's shard holds it; null: none. The epoch of step s (1-based) is
   * ⌈s / batchesPerEpoch⌉.
   */
  augmentation: { ranges: DepthAugmentation; batchesPerEpoch: number } | null;
}

/**
 * The DeepPrior net (and its optional VL4Pose head) with one Adam optimiser each: spec §3's training step, split into
 * shard gradients and their application so that worker threads can share a batch.
 */
export class DeepPriorReplica implements Replica<DepthLosses> {
  readonly model: DeepPriorModel;
  readonly head: Vl4PoseAuxHead | null;
  readonly lossNames = ['pose', 'aux'] as const;
  private readonly poseOptimizer: tf.Optimizer;
  private readonly auxOptimizer: tf.Optimizer | null;
  private readonly poseCount: number;
  private readonly scratch: Float32Array;

  constructor(readonly spec: DeepPriorReplicaSpec) {
    const { config, aux, seed } = spec;
    this.model = new DeepPriorModel(config, seed);
    this.head = aux === null ? null : new Vl4PoseAuxHead(aux, config.denseUnits[1], seed);
    this.poseOptimizer = tf.train.adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
    this.auxOptimizer = aux === null ? null : tf.train.adam(aux.learningRate, 0.9, 0.999, config.adamEpsilon);
    this.poseCount = this.model.trainableVariables.length;
    this.scratch = new Float32Array(config.inputSize * config.inputSize);
  }

  get variables(): tf.Variable[] {
    return [...this.model.trainableVariables, ...(this.head?.trainableVariables ?? [])];
  }

  gradients(
    rows: Int32Array,
    from: number,
    count: number,
    batch: number,
    step: number,
  ): ShardGradients<DepthLosses> {
    const { config, seed } = this.spec;
    const side = config.inputSize;
    const xBatch = new Float32Array(count * side * side);
    const yBatch = new Float32Array(count * config.outputs);
    gatherRows(this.spec.x, side * side, rows, from, count, xBatch);
    gatherRows(this.spec.y, config.outputs, rows, from, count, yBatch);
    const { augmentation } = this.spec;
    if (augmentation !== null) {
      const epoch = Math.ceil(step / augmentation.batchesPerEpoch);
      const key = { seed, epoch, order: rows, start: from };
      augmentBatch({ x: xBatch, y: yBatch, count }, side, augmentation.ranges, key, this.scratch);
    }
    const share = count / batch;
    // A whole batch keeps its loss unscaled, so one worker computes exactly what it always did.
    const scaled = (loss: tf.Scalar): tf.Scalar => (share === 1 ? loss : tf.mul(loss, share));
    let poseValue: tf.Scalar | null = null;
    let auxValue: tf.Scalar | null = null;
    const variables = this.variables;
    const { value, grads } = tf.tidy(() => {
      const x = tf.tensor4d(xBatch, [count, side, side, 1]);
      const y = tf.tensor2d(yBatch, [count, config.outputs]);
      return tf.variableGrads(() => {
        const output = this.model.apply(
          x,
          this.model.bayesian ? (row) => mixSeed(seed, TRAIN_DROPOUT_STREAM, step, from + row) : undefined,
        );
        const pose = scaled(poseLoss(config.loss, y, output.mean, output.logVar));
        poseValue = tf.keep(pose);
        if (this.head === null) return pose;
        // The head's features are detached, so the sum's gradient w.r.t. pose weights is the pose loss's alone.
        const auxLoss = scaled(this.head.loss(y, this.head.apply(output.features)));
        auxValue = tf.keep(auxLoss);
        return tf.add(pose, auxLoss);
      }, variables);
    });
    const losses = {
      pose: (poseValue as tf.Scalar | null)!.dataSync()[0]!,
      aux: auxValue === null ? null : (auxValue as tf.Scalar).dataSync()[0]!,
    };
    tf.dispose(
      [value, poseValue as tf.Scalar | null, auxValue as tf.Scalar | null].filter((t) => t !== null),
    );
    return { grads: variables.map((v) => grads[v.name]!), losses };
  }

  apply(grads: readonly tf.Tensor[]): void {
    const variables = this.variables;
    const byName = (from: number, to: number): tf.NamedTensorMap =>
      Object.fromEntries(variables.slice(from, to).map((v, i) => [v.name, grads[from + i]!]));
    this.poseOptimizer.applyGradients(byName(0, this.poseCount));
    this.auxOptimizer?.applyGradients(byName(this.poseCount, variables.length));
  }

  readWeights(): NamedWeights {
    const pose = this.model.readWeights();
    return this.head === null ? pose : new Map([...pose, ...this.head.readWeights()]);
  }

  dispose(): void {
    this.model.dispose();
    this.head?.dispose();
    this.poseOptimizer.dispose();
    this.auxOptimizer?.dispose();
  }
}
