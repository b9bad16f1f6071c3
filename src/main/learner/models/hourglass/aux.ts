import * as tf from '@tensorflow/tfjs';
import { createRng } from '@shared/random';
import { detach } from '../../ops/detach';
import { mixSeed } from '../../ops/seeds';
import { Conv2d, Dense, ParamStore, StoredNetwork } from './layers';
import type { HourglassTaps } from './model';
import type { AuxHeads, HourglassConfig } from './types';

/** Weight names of the auxiliary network carry this prefix inside a checkpoint. */
const HEATMAP_AUX_WEIGHT_PREFIX = 'aux/';

/** Raw head outputs; a disabled head gives null. */
export interface HeatmapAuxOutput {
  /** [n, 2L] interleaved per link: out[2k] = μ_k (grid px), out[2k+1] = s_k (log-variance), unconstrained (§2.4). */
  linkParams: tf.Tensor2D | null;
  /** [n, J] per-joint log-variance of the squared argmax error (§5.2). */
  aleatoricLogVar: tf.Tensor2D | null;
  /** [n] predicted loss (§5.1; only its ranking within pairs is trained). */
  predictedLoss: tf.Tensor1D | null;
}

/**
 * The auxiliary network of spec §2.2 ('conv' variant) on the last stack's taps, every tap detached so that no
 * auxiliary loss reaches the pose network (§3.3). Trunk: x = feature_top; for each smaller tap
 * x = ReLU(conv2×2/2 valid(x)) + tap; then ReLU(conv (G/2^d)² valid) → C. [DESIGN] The reference trains one
 * auxiliary net per method; here one trunk is shared by up to three small FC heads (C→128→64→32→16→OUT, ReLU
 * between, linear output) for VL4Pose (OUT = 2L), aleatoric (OUT = J) and learning loss (OUT = 1): one trunk's cost
 * instead of three, at the price of the trunk being trained by the sum of the enabled heads' losses.
 */
export class HeatmapAuxNet extends StoredNetwork {
  readonly heads: AuxHeads;
  private readonly downsamples: Conv2d[] = [];
  private readonly collapse: Conv2d;
  private readonly fc: { [K in keyof AuxHeads]: Dense[] | null };

  constructor(config: HourglassConfig, initSeed: number) {
    super(new ParamStore(createRng(mixSeed(initSeed, 0xa0c6))));
    this.heads = config.auxHeads;
    const c = config.channels;
    const name = (part: string): string => `${HEATMAP_AUX_WEIGHT_PREFIX}${part}`;
    for (let i = 0; i < config.depth; i++) {
      this.downsamples.push(new Conv2d(this.store, name(`trunk/down${i}`), 2, c, c, { stride: 2 }));
    }
    const smallest = config.gridSize / 2 ** config.depth;
    this.collapse = new Conv2d(this.store, name('trunk/collapse'), smallest, c, c);
    const stack = (head: keyof AuxHeads, out: number): Dense[] | null => {
      if (!this.heads[head]) return null;
      const widths = [c, ...config.auxHiddenUnits, out];
      return widths
        .slice(1)
        .map((width, i) => new Dense(this.store, name(`${head}/fc${i + 1}`), widths[i]!, width));
    };
    this.fc = {
      vl4pose: stack('vl4pose', 2 * config.links.length),
      aleatoric: stack('aleatoric', config.joints),
      learningLoss: stack('learningLoss', 1),
    };
  }

  apply(taps: HourglassTaps): HeatmapAuxOutput {
    let x = detach(taps.top) as tf.Tensor4D;
    this.downsamples.forEach((conv, i) => {
      x = tf.add(tf.relu(conv.apply(x)), detach(taps.levels[i]!));
    });
    // Reshape, never squeeze: a batch of one must keep its batch axis (spec gotcha 11).
    const trunk = tf.reshape(tf.relu(this.collapse.apply(x)), [x.shape[0], -1]) as tf.Tensor2D;
    const run = (layers: Dense[] | null): tf.Tensor2D | null =>
      layers === null
        ? null
        : layers.reduce((h, layer, i) => {
            const out = layer.apply(h);
            return i + 1 < layers.length ? tf.relu(out) : out;
          }, trunk);
    const predictedLoss = run(this.fc.learningLoss);
    return {
      linkParams: run(this.fc.vl4pose),
      aleatoricLogVar: run(this.fc.aleatoric),
      predictedLoss: predictedLoss === null ? null : (tf.reshape(predictedLoss, [-1]) as tf.Tensor1D),
    };
  }
}
