import * as tf from '@tensorflow/tfjs';
import { createRng } from '@shared/random';
import { fillDropoutMask, mixSeed } from '../../ops/seeds';
import { glorotUniform } from '../../ops/init';
import { loadNamedWeights, readNamedWeights, type NamedWeights } from '../named-weights';
import { DROPOUT_SLOTS, POOL_SIZE } from './constants';
import type { DeepPriorConfig, DropoutSlot } from './types';
import { layerShapes } from './validate';

/**
 * Seeds of the dropout masks of one batch: row r of the batch uses masks derived from `rowSeed(r)`. Training keys rows
 * by (seed, step, row); MC inference by (seed, sample index, pass).
 */
export type RowSeeds = (row: number) => number;

export interface DeepPriorOutput {
  /** Predicted normalised uvd, [n, outputs]. */
  mean: tf.Tensor2D;
  /** Log-variance head, [n, outputs]; null for the plain model. */
  logVar: tf.Tensor2D | null;
  /** Penultimate dense activations (after ReLU, before any dropout), [n, denseUnits[1]]: the embedding. */
  features: tf.Tensor2D;
}

/** Forward order of the slots; a slot's index keys its mask seeds (the ONNX engine draws the same masks). */
export const SLOT_ORDER: readonly DropoutSlot[] = ['conv1', 'conv2', 'conv3', 'dense1', 'dense2'];

/**
 * DeepPrior without PCA (spec §2.1): conv → [dropout] → pool → LeakyReLU, twice; conv → [dropout] → LeakyReLU; flatten;
 * dense ReLU → [dropout]; dense ReLU → [dropout]; linear mean head (+ linear log-variance head in Bayesian variants).
 * Dropout is a seeded mask multiply, so it is active in every forward pass that is given seeds (training and MC
 * inference alike); a pass without seeds is deterministic (plain model, or a quick point estimate).
 */
export class DeepPriorModel {
  readonly config: DeepPriorConfig;
  private readonly weights = new Map<string, tf.Variable>();
  private readonly slotSizes: ReadonlyMap<DropoutSlot, readonly number[]>;

  constructor(config: DeepPriorConfig, initSeed: number) {
    this.config = config;
    const shapes = layerShapes(config);
    const { kernelSize: k, convFilters: f, denseUnits, outputs } = config;
    const rng = createRng(mixSeed(initSeed, 0x1a17));
    const kernel = (name: string, shape: number[], fanIn: number, fanOut: number): void => {
      const size = shape.reduce((a, b) => a * b, 1);
      this.weights.set(
        `${name}/kernel`,
        tf.variable(tf.tensor(glorotUniform(size, fanIn, fanOut, rng), shape)),
      );
      this.weights.set(`${name}/bias`, tf.variable(tf.zeros([shape[shape.length - 1]!])));
    };
    kernel('conv1', [k, k, 1, f], k * k, k * k * f);
    kernel('conv2', [k, k, f, f], k * k * f, k * k * f);
    kernel('conv3', [k, k, f, f], k * k * f, k * k * f);
    kernel('dense1', [shapes.flatten, denseUnits[0]], shapes.flatten, denseUnits[0]);
    kernel('dense2', [denseUnits[0], denseUnits[1]], denseUnits[0], denseUnits[1]);
    kernel('mean', [denseUnits[1], outputs], denseUnits[1], outputs);
    if (this.bayesian) kernel('logvar', [denseUnits[1], outputs], denseUnits[1], outputs);
    this.slotSizes = new Map<DropoutSlot, readonly number[]>([
      ['conv1', [shapes.conv1, shapes.conv1, f]],
      ['conv2', [shapes.conv2, shapes.conv2, f]],
      ['conv3', [shapes.conv3, shapes.conv3, f]],
      ['dense1', [denseUnits[0]]],
      ['dense2', [denseUnits[1]]],
    ]);
  }

  get bayesian(): boolean {
    return this.config.variant !== 'plain';
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  paramCount(): number {
    let total = 0;
    for (const variable of this.weights.values()) total += variable.size;
    return total;
  }

  /**
   * One forward pass on x [n, inputSize, inputSize, 1]. With `rowSeeds`, the variant's dropout slots are applied with
   * masks derived from the seeds; without, no dropout. Call inside tf.tidy (or a gradient scope).
   */
  apply(x: tf.Tensor4D, rowSeeds?: RowSeeds): DeepPriorOutput {
    const n = x.shape[0];
    const masks = rowSeeds === undefined ? new Map<DropoutSlot, tf.Tensor>() : this.dropoutMasks(n, rowSeeds);
    const dropout = <T extends tf.Tensor>(slot: DropoutSlot, h: T): T => {
      const mask = masks.get(slot);
      return mask === undefined ? h : (tf.mul(h, mask) as T);
    };
    const conv = (name: string, h: tf.Tensor4D): tf.Tensor4D =>
      tf.add(
        tf.conv2d(h, this.weight(`${name}/kernel`) as tf.Tensor4D, 1, 'valid'),
        this.weight(`${name}/bias`),
      );
    const pool = (h: tf.Tensor4D): tf.Tensor4D => tf.maxPool(h, POOL_SIZE, POOL_SIZE, 'valid');
    const dense = (name: string, h: tf.Tensor2D): tf.Tensor2D =>
      tf.add(tf.matMul(h, this.weight(`${name}/kernel`) as tf.Tensor2D), this.weight(`${name}/bias`));
    const slope = this.config.leakySlope;

    let h = tf.leakyRelu(pool(dropout('conv1', conv('conv1', x))), slope);
    h = tf.leakyRelu(pool(dropout('conv2', conv('conv2', h))), slope);
    h = tf.leakyRelu(dropout('conv3', conv('conv3', h)), slope);
    const flat = tf.reshape(h, [n, -1]) as tf.Tensor2D;
    const hidden1 = dropout('dense1', tf.relu(dense('dense1', flat)));
    const features = tf.relu(dense('dense2', hidden1));
    const hidden2 = dropout('dense2', features);
    return {
      mean: dense('mean', hidden2),
      logVar: this.bayesian ? dense('logvar', hidden2) : null,
      features,
    };
  }

  /** Copies of all weights, in creation order. */
  readWeights(): NamedWeights {
    return readNamedWeights(this.weights);
  }

  /** Overwrites every weight; the names and shapes must match this model's exactly. */
  loadWeights(weights: NamedWeights): void {
    loadNamedWeights(this.weights, weights);
  }

  dispose(): void {
    for (const variable of this.weights.values()) variable.dispose();
    this.weights.clear();
  }

  private weight(name: string): tf.Variable {
    const variable = this.weights.get(name);
    if (variable === undefined) throw new Error(`model has no weight '${name}' (disposed?)`);
    return variable;
  }

  private dropoutMasks(n: number, rowSeeds: RowSeeds): Map<DropoutSlot, tf.Tensor> {
    const masks = new Map<DropoutSlot, tf.Tensor>();
    for (const slot of DROPOUT_SLOTS[this.config.variant]) {
      const shape = this.slotSizes.get(slot)!;
      const perRow = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(n * perRow);
      const slotKey = SLOT_ORDER.indexOf(slot);
      for (let row = 0; row < n; row++) {
        fillDropoutMask(
          values,
          row * perRow,
          perRow,
          mixSeed(rowSeeds(row), slotKey),
          this.config.dropoutRate,
        );
      }
      masks.set(slot, tf.tensor(values, [n, ...shape]));
    }
    return masks;
  }
}
