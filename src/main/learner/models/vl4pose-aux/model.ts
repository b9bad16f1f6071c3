import * as tf from '@tensorflow/tfjs';
import { createRng } from '@shared/random';
import { detach } from '../../ops/detach';
import { torchLinearUniform } from '../../ops/init';
import { mixSeed } from '../../ops/seeds';
import type { NamedWeights } from '../named-weights';
import type { SkeletonLink, Vl4PoseAuxConfig } from './types';
import { linksOf } from './validate';

export interface Vl4PoseAuxOutput {
  /** [n, links·dims], link-major. */
  offsetMean: tf.Tensor2D;
  /** [n, links·dims], link-major. */
  offsetLogVar: tf.Tensor2D;
}

/** Weight names carry this prefix inside a learner checkpoint. */
export const AUX_WEIGHT_PREFIX = 'aux/';

/** FC stack on detached features → per-link offset mean and diagonal log-variance (spec vl4pose §2.5). */
export class Vl4PoseAuxHead {
  readonly config: Vl4PoseAuxConfig;
  readonly links: SkeletonLink[];
  private readonly layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  /** Gathers parent and child coordinates of every link from targets [n, joints·dims]. */
  private readonly parentColumns: Int32Array;
  private readonly childColumns: Int32Array;

  constructor(config: Vl4PoseAuxConfig, featureSize: number, initSeed: number) {
    this.config = config;
    this.links = linksOf(config.parents);
    const rng = createRng(mixSeed(initSeed, 0xa0c5));
    const widths = [featureSize, ...config.hiddenUnits, 2 * this.links.length * config.dims];
    for (let i = 0; i + 1 < widths.length; i++) {
      const [fanIn, fanOut] = [widths[i]!, widths[i + 1]!];
      this.layers.push({
        kernel: tf.variable(tf.tensor(torchLinearUniform(fanIn * fanOut, fanIn, rng), [fanIn, fanOut])),
        bias: tf.variable(tf.tensor(torchLinearUniform(fanOut, fanIn, rng), [fanOut])),
      });
    }
    const dims = config.dims;
    this.parentColumns = Int32Array.from(
      this.links.flatMap(({ parent }) => range(dims).map((a) => parent * dims + a)),
    );
    this.childColumns = Int32Array.from(
      this.links.flatMap(({ child }) => range(dims).map((a) => child * dims + a)),
    );
  }

  get trainableVariables(): tf.Variable[] {
    return this.layers.flatMap(({ kernel, bias }) => [kernel, bias]);
  }

  paramCount(): number {
    return this.trainableVariables.reduce((total, variable) => total + variable.size, 0);
  }

  /** Forward on features [n, featureSize]; the features are detached, so no gradient reaches the pose model. */
  apply(features: tf.Tensor2D): Vl4PoseAuxOutput {
    let h = detach(features) as tf.Tensor2D;
    this.layers.forEach(({ kernel, bias }, i) => {
      h = tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias);
      if (i + 1 < this.layers.length) h = tf.relu(h);
    });
    const width = this.links.length * this.config.dims;
    const [offsetMean, offsetLogVar] = tf.split(h, [width, width], 1) as [tf.Tensor2D, tf.Tensor2D];
    return { offsetMean, offsetLogVar };
  }

  /**
   * Spec vl4pose §3.4 (diagonal): r = y_child − y_parent − ô_k, nll = ½·Σ_a (r_a²·e^(−s_a) + s_a) (no ½·D·ln2π),
   * averaged over samples × links. Targets are the ground-truth poses [n, joints·dims].
   */
  loss(targets: tf.Tensor2D, output: Vl4PoseAuxOutput): tf.Scalar {
    const linkOffsets = tf.sub(
      tf.gather(targets, this.childColumns, 1),
      tf.gather(targets, this.parentColumns, 1),
    );
    const residual = tf.sub(linkOffsets, output.offsetMean);
    const perCoordinate = tf.add(
      tf.mul(tf.square(residual), tf.exp(tf.neg(output.offsetLogVar))),
      output.offsetLogVar,
    );
    // Mean over n·L·D times D = mean over n·L of the per-link sum over the D coordinates.
    return tf.mul(0.5 * this.config.dims, tf.mean(perCoordinate));
  }

  readWeights(): NamedWeights {
    const out: NamedWeights = new Map();
    this.layers.forEach(({ kernel, bias }, i) => {
      for (const [suffix, variable] of [
        ['kernel', kernel],
        ['bias', bias],
      ] as const) {
        out.set(`${AUX_WEIGHT_PREFIX}fc${i + 1}/${suffix}`, {
          shape: [...variable.shape],
          values: Float32Array.from(variable.dataSync() as Float32Array),
        });
      }
    });
    return out;
  }

  loadWeights(weights: NamedWeights): void {
    this.layers.forEach(({ kernel, bias }, i) => {
      for (const [suffix, variable] of [
        ['kernel', kernel],
        ['bias', bias],
      ] as const) {
        const name = `${AUX_WEIGHT_PREFIX}fc${i + 1}/${suffix}`;
        const stored = weights.get(name);
        if (stored === undefined || stored.shape.join('x') !== variable.shape.join('x')) {
          throw new Error(`checkpoint weight '${name}' is missing or has the wrong shape`);
        }
        tf.tidy(() => variable.assign(tf.tensor(stored.values, variable.shape)));
      }
    });
  }

  dispose(): void {
    for (const variable of this.trainableVariables) variable.dispose();
    this.layers.length = 0;
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
