import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@shared/random';
import { torchLinearUniform } from '../../ops/init';
import { allReduceTensors, type AllReduce } from '../../replica';
import { loadNamedWeights, readNamedWeights, type NamedWeights } from '../named-weights';

/** PyTorch BatchNorm2d defaults (the reference's framework). */
const BN_EPSILON = 1e-5;
const BN_MOMENTUM = 0.1;

/**
 * Named weights of one network. Trainable variables are the parameters; state variables (BN running statistics)
 * are saved in checkpoints but neither trained nor counted as parameters.
 */
export class ParamStore {
  private readonly trainable = new Map<string, tf.Variable>();
  private readonly state = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  /** A trainable weight initialised like PyTorch's Conv2d/Linear default: U(±1/√fanIn). */
  uniform(name: string, shape: number[], fanIn: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.register(this.trainable, name, tf.tensor(torchLinearUniform(size, fanIn, this.rng), shape));
  }

  constant(name: string, shape: number[], value: number, trainable: boolean): tf.Variable {
    return this.register(trainable ? this.trainable : this.state, name, tf.fill(shape, value));
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.trainable.values()];
  }

  get stateVariables(): tf.Variable[] {
    return [...this.state.values()];
  }

  paramCount(): number {
    return this.trainableVariables.reduce((total, variable) => total + variable.size, 0);
  }

  /** Copies of all weights (parameters, then state), in creation order. */
  readWeights(): NamedWeights {
    return readNamedWeights([...this.trainable, ...this.state]);
  }

  /** Overwrites every weight; names and shapes must match exactly. Extra entries (another network's) are ignored. */
  loadWeights(weights: NamedWeights): void {
    loadNamedWeights([...this.trainable, ...this.state], weights);
  }

  dispose(): void {
    for (const variable of [...this.trainable.values(), ...this.state.values()]) variable.dispose();
    this.trainable.clear();
    this.state.clear();
  }

  private register(map: Map<string, tf.Variable>, name: string, initial: tf.Tensor): tf.Variable {
    if (this.trainable.has(name) || this.state.has(name)) throw new Error(`duplicate weight name '${name}'`);
    // Unnamed tf.variables: TF.js names are global per thread, and several models may live in one thread.
    const variable = tf.variable(initial);
    initial.dispose();
    map.set(name, variable);
    return variable;
  }
}

/** A network whose weights all live in one ParamStore: its weight bookkeeping is the store's. */
export abstract class StoredNetwork {
  protected constructor(protected readonly store: ParamStore) {}

  get trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables;
  }

  /** Batch-norm running statistics: saved and loaded, never trained. */
  get stateVariables(): tf.Variable[] {
    return this.store.stateVariables;
  }

  /** Trainable parameters (BN γ/β included, running statistics not). */
  paramCount(): number {
    return this.store.paramCount();
  }

  readWeights(): NamedWeights {
    return this.store.readWeights();
  }

  loadWeights(weights: NamedWeights): void {
    this.store.loadWeights(weights);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** A batch-norm layer's batch statistics from a training pass, to fold into its running statistics afterwards. */
export interface BatchNormUpdate {
  layer: BatchNorm;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
}

/** Training passes normalise with batch statistics and record them; inference passes use the running ones. */
export interface ForwardMode {
  training: boolean;
  batchNormUpdates: BatchNormUpdate[];
  /** Data-parallel training: the statistics are the whole batch's, summed over every worker's shard. */
  sync?: BatchNormSync;
}

export interface BatchNormSync {
  /** Rows of the whole batch (every worker's shard). */
  rows: number;
  allReduce: AllReduce;
}

export const INFERENCE: ForwardMode = Object.freeze({
  training: false,
  batchNormUpdates: [] as BatchNormUpdate[],
});

/** Folds recorded batch statistics into the running ones (PyTorch: momentum 0.1, unbiased variance) and frees them. */
export function applyBatchNormUpdates(updates: readonly BatchNormUpdate[]): void {
  tf.tidy(() => {
    for (const { layer, mean, variance, count } of updates) {
      const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
      layer.movingMean.assign(tf.add(tf.mul(layer.movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      layer.movingVariance.assign(
        tf.add(tf.mul(layer.movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)),
      );
    }
  });
  tf.dispose(updates.flatMap(({ mean, variance }) => [mean, variance]));
}

export class BatchNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;

  constructor(store: ParamStore, name: string, channels: number) {
    this.gamma = store.constant(`${name}/gamma`, [channels], 1, true);
    this.beta = store.constant(`${name}/beta`, [channels], 0, true);
    this.movingMean = store.constant(`${name}/movingMean`, [channels], 0, false);
    this.movingVariance = store.constant(`${name}/movingVariance`, [channels], 1, false);
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    if (!mode.training) {
      return tf.batchNorm4d(
        x,
        this.movingMean as tf.Tensor1D,
        this.movingVariance as tf.Tensor1D,
        this.beta as tf.Tensor1D,
        this.gamma as tf.Tensor1D,
        BN_EPSILON,
      );
    }
    return this.normaliseBatch(x, mode.batchNormUpdates, mode.sync);
  }

  /**
   * Training-mode BN with the analytic gradient dx = γ·rstd/m·(m·dy − Σdy − x̂·Σ(dy·x̂)): TF.js's own batchNorm
   * gradient tiles the statistics to the full input size, which dominated a wasm training step. With `sync`, the
   * sums over the batch (Σx, Σ(x − mean)², Σdy, Σdy·x̂; m = every shard's rows) are all-reduced over the workers,
   * so each shard's dx is its part of the whole batch's; γ and β get this shard's part of their gradients.
   */
  private normaliseBatch(x: tf.Tensor4D, updates: BatchNormUpdate[], sync?: BatchNormSync): tf.Tensor4D {
    const [n, height, width, channels] = x.shape;
    const count = n * height * width;
    const total = sync === undefined ? count : sync.rows * height * width;
    const batchSum = (values: tf.Tensor2D): tf.Tensor2D =>
      sync === undefined ? columnSum(values) : allReduceTensors([columnSum(values)], sync.allReduce)[0]!;
    const normalise = tf.customGrad((input, gamma, beta, save) => {
      const flat = tf.reshape(input as tf.Tensor, [count, channels]) as tf.Tensor2D;
      const mean = tf.div(batchSum(flat), total);
      const centred = tf.sub(flat, mean);
      const variance = tf.div(batchSum(tf.square(centred) as tf.Tensor2D), total);
      const rstd = tf.rsqrt(tf.add(variance, BN_EPSILON));
      const normalised = tf.mul(centred, rstd);
      updates.push({
        layer: this,
        mean: tf.keep(tf.reshape(mean, [channels])),
        variance: tf.keep(tf.reshape(variance, [channels])),
        count: total,
      });
      (save as tf.GradSaveFunc)([normalised, rstd]);
      return {
        value: tf.reshape(tf.add(tf.mul(normalised, gamma as tf.Tensor), beta as tf.Tensor), x.shape),
        gradFunc: (dy: tf.Tensor, [saved, savedRstd]: tf.Tensor[]) => {
          const dyFlat = tf.reshape(dy, [count, channels]);
          const sumDy = columnSum(dyFlat as tf.Tensor2D);
          const sumDyNormalised = columnSum(tf.mul(dyFlat, saved!) as tf.Tensor2D);
          const [batchDy, batchDyNormalised] =
            sync === undefined
              ? [sumDy, sumDyNormalised]
              : allReduceTensors([sumDy, sumDyNormalised], sync.allReduce);
          const inner = tf.sub(tf.sub(tf.mul(dyFlat, total), batchDy!), tf.mul(saved!, batchDyNormalised!));
          const dx = tf.mul(tf.div(tf.mul(gamma as tf.Tensor, savedRstd!), total), inner);
          return [
            tf.reshape(dx, x.shape),
            tf.reshape(sumDyNormalised, [channels]),
            tf.reshape(sumDy, [channels]),
          ];
        },
      };
    });
    return normalise(x, this.gamma, this.beta) as tf.Tensor4D;
  }
}

/**
 * a·b with the gradients written as products of explicitly transposed operands, which measured 1.5–3× faster on wasm
 * than the transposed-product forms TF.js's matMul gradient uses for a large a (the 1×1 convs' weight gradients).
 */
const matMulExplicitGradient = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [left, right]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(right as tf.Tensor2D)),
      tf.matMul(tf.transpose(left as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Row blocks of a column sum: enough for the batched product to be fast, few enough for the second stage. */
const COLUMN_SUM_BLOCKS = 128;

/**
 * Σ over the rows of [m, c] as [1, c], as two products with rows of ones: per block of rows (a batched product),
 * then over the blocks. On wasm this is ~10× faster than Sum over axis 0 or one [1, m]·[m, c] product, which repacks
 * its large right operand on every call.
 */
function columnSum(values: tf.Tensor2D): tf.Tensor2D {
  const [rows, columns] = values.shape;
  let blocks = Math.min(COLUMN_SUM_BLOCKS, rows);
  while (rows % blocks !== 0) blocks--;
  const perBlock = tf.matMul(
    tf.ones([1, rows / blocks]),
    tf.reshape(values, [blocks, rows / blocks, columns]),
  );
  return tf.matMul(tf.ones([1, blocks]), tf.reshape(perBlock, [blocks, columns]) as tf.Tensor2D);
}

/** x + bias over the last axis, with the bias gradient as a column sum (TF.js reduces with the slower Sum kernel). */
const addChannelBias = tf.customGrad((x, bias) => {
  const input = x as tf.Tensor;
  return {
    value: tf.add(input, bias as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => {
      const channels = input.shape[input.rank - 1]!;
      const flat = tf.reshape(dy, [-1, channels]) as tf.Tensor2D;
      return [dy, tf.reshape(columnSum(flat), [channels])];
    },
  };
}) as <T extends tf.Tensor>(x: T, bias: tf.Tensor) => T;

/**
 * A square conv with bias, NHWC, PyTorch-style symmetric zero padding. The wasm backend's filter gradient exists only
 * for stride 1 / valid (patches/conv2d_backprop_filter.ts), so every conv is reduced to that: padded convs pad
 * explicitly, strided convs run on the space-to-depth input, and some valid convs are matrix products (validConv).
 */
export class Conv2d {
  readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(
    store: ParamStore,
    name: string,
    size: number,
    inChannels: number,
    outChannels: number,
    private readonly options: { stride?: number; padding?: number } = {},
  ) {
    const fanIn = size * size * inChannels;
    this.kernel = store.uniform(`${name}/kernel`, [size, size, inChannels, outChannels], fanIn);
    this.bias = store.uniform(`${name}/bias`, [outChannels], fanIn);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const { stride = 1, padding = 0 } = this.options;
    const padded =
      padding === 0
        ? x
        : tf.pad(x, [
            [0, 0],
            [padding, padding],
            [padding, padding],
            [0, 0],
          ]);
    const kernel = this.kernel as tf.Tensor4D;
    const out = stride === 1 ? validConv(padded, kernel) : spaceToDepthConv(padded, kernel, stride);
    return addChannelBias(out, this.bias);
  }
}

/**
 * Stride-1 valid conv. Two cases are plain matrix products, whose gradients are much faster on wasm than the
 * patched filter gradient: a 1×1 kernel, and a kernel as large as the input (one output pixel, i.e. a dense layer on
 * the flattened (h, w, c) input, which is the kernel's [kh, kw, cin] order).
 */
function validConv(x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  const [kernelHeight, kernelWidth, , outChannels] = kernel.shape;
  const product = (rows: number, depth: number): tf.Tensor2D =>
    matMulExplicitGradient(tf.reshape(x, [rows, depth]), tf.reshape(kernel, [depth, outChannels]));
  if (kernelHeight === height && kernelWidth === width) {
    return tf.reshape(product(n, height * width * channels), [n, 1, 1, outChannels]);
  }
  if (kernelHeight === 1 && kernelWidth === 1) {
    return tf.reshape(product(n * height * width, channels), [n, height, width, outChannels]);
  }
  return tf.conv2d(x, kernel, 1, 'valid');
}

/**
 * A valid conv of stride s as a stride-1 valid conv: with kernel rows kh = a·s + p, out[i] = Σ x[(i + a)·s + p]·W[kh],
 * i.e. a ceil(k/s)-sized kernel over the s×s space-to-depth blocks of x, channel (p·s + q)·C + c. The kernel is
 * zero-padded to a multiple of s, and x is padded or cropped to the rows that kernel reads.
 */
export function spaceToDepthConv(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  const [size, , , outChannels] = kernel.shape;
  const blocks = Math.ceil(size / stride);
  const outRows = Math.floor((height - size) / stride) + 1;
  const outCols = Math.floor((width - size) / stride) + 1;
  const rows = (outRows + blocks - 1) * stride;
  const cols = (outCols + blocks - 1) * stride;
  const fitted = tf.slice(
    tf.pad(x, [
      [0, 0],
      [0, Math.max(0, rows - height)],
      [0, Math.max(0, cols - width)],
      [0, 0],
    ]),
    [0, 0, 0, 0],
    [n, rows, cols, channels],
  );
  const depth = stride * stride * channels;
  const blocked = tf.reshape(
    tf.transpose(
      tf.reshape(fitted, [n, rows / stride, stride, cols / stride, stride, channels]),
      [0, 1, 3, 2, 4, 5],
    ),
    [n, rows / stride, cols / stride, depth],
  ) as tf.Tensor4D;
  const padSize = blocks * stride - size;
  const blockKernel = tf.reshape(
    tf.transpose(
      tf.reshape(
        tf.pad(kernel, [
          [0, padSize],
          [0, padSize],
          [0, 0],
          [0, 0],
        ]),
        [blocks, stride, blocks, stride, channels, outChannels],
      ),
      [0, 2, 1, 3, 4, 5],
    ),
    [blocks, blocks, depth, outChannels],
  ) as tf.Tensor4D;
  return validConv(blocked, blockKernel);
}

/** Fully connected layer, [n, in] → [n, out], PyTorch Linear init. */
export class Dense {
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(store: ParamStore, name: string, inUnits: number, outUnits: number) {
    this.kernel = store.uniform(`${name}/kernel`, [inUnits, outUnits], inUnits);
    this.bias = store.uniform(`${name}/bias`, [outUnits], inUnits);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return addChannelBias(tf.matMul(x, this.kernel as tf.Tensor2D), this.bias);
  }
}
