import * as tf from '@tensorflow/tfjs';
import { createRng } from '@shared/random';
import { fillDropoutMask, mixSeed } from '../../ops/seeds';
import type { RowSeeds } from '../deepprior/model';
import { BatchNorm, Conv2d, INFERENCE, ParamStore, StoredNetwork, type ForwardMode } from './layers';
import { LEGACY_DROPOUT_PLACEMENT } from './constants';
import type { HourglassConfig } from './types';

/** Weight names of the pose network carry this prefix inside a checkpoint. */
const POSE_WEIGHT_PREFIX = 'hg/';

/** The last stack's features for the auxiliary network (spec §2.1), all NHWC. */
export interface HourglassTaps {
  /** feature_5: the last hourglass's output, [n, G, G, C]. */
  top: tf.Tensor4D;
  /** feature_d … feature_1: low3 outputs at G/2 … G/2^d, largest first. */
  levels: tf.Tensor4D[];
}

export interface HourglassOutput {
  /** Heatmaps of every stack, each [n, G, G, J]; the last one is the prediction. */
  heatmaps: tf.Tensor4D[];
  taps: HourglassTaps;
  /** Global average of the last stack's features block output (before its last dropout), [n, C]: the embedding. */
  penultimate: tf.Tensor2D;
}

/** Pre-activation bottleneck (spec §2.1): BN-ReLU-conv1×1(C/2), BN-ReLU-conv3×3, BN-ReLU-conv1×1(C) + skip. */
class Residual {
  private readonly bn1: BatchNorm;
  private readonly conv1: Conv2d;
  private readonly bn2: BatchNorm;
  private readonly conv2: Conv2d;
  private readonly bn3: BatchNorm;
  private readonly conv3: Conv2d;
  /** Only when the width changes: the reference builds it always but never uses it for in = out (§2.3). */
  private readonly skip: Conv2d | null;

  constructor(store: ParamStore, name: string, inChannels: number, outChannels: number) {
    const mid = outChannels / 2;
    this.bn1 = new BatchNorm(store, `${name}/bn1`, inChannels);
    this.conv1 = new Conv2d(store, `${name}/conv1`, 1, inChannels, mid);
    this.bn2 = new BatchNorm(store, `${name}/bn2`, mid);
    this.conv2 = new Conv2d(store, `${name}/conv2`, 3, mid, mid, { padding: 1 });
    this.bn3 = new BatchNorm(store, `${name}/bn3`, mid);
    this.conv3 = new Conv2d(store, `${name}/conv3`, 1, mid, outChannels);
    this.skip =
      inChannels === outChannels ? null : new Conv2d(store, `${name}/skip`, 1, inChannels, outChannels);
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    let h = this.conv1.apply(tf.relu(this.bn1.apply(x, mode)));
    h = this.conv2.apply(tf.relu(this.bn2.apply(h, mode)));
    h = this.conv3.apply(tf.relu(this.bn3.apply(h, mode)));
    return tf.add(h, this.skip === null ? x : this.skip.apply(x));
  }
}

/** Hourglass of depth n (spec §2.1): up1(x) + upsample(low3(inner(low1(pool(x))))); inner recurses down to n = 1. */
class Hourglass {
  private readonly up1: Residual;
  private readonly low1: Residual;
  private readonly inner: Hourglass | Residual;
  private readonly low3: Residual;

  constructor(
    store: ParamStore,
    name: string,
    private readonly level: number,
    channels: number,
  ) {
    this.up1 = new Residual(store, `${name}/up1`, channels, channels);
    this.low1 = new Residual(store, `${name}/low1`, channels, channels);
    this.inner =
      level > 1
        ? new Hourglass(store, `${name}/inner`, level - 1, channels)
        : new Residual(store, `${name}/low2`, channels, channels);
    this.low3 = new Residual(store, `${name}/low3`, channels, channels);
  }

  /** `levels` (when given) receives the low3 outputs, outermost (feature_depth) first. */
  apply(x: tf.Tensor4D, mode: ForwardMode, levels?: tf.Tensor4D[]): tf.Tensor4D {
    const up1 = this.up1.apply(x, mode);
    const low1 = this.low1.apply(tf.maxPool(x, 2, 2, 'valid'), mode);
    const low2 =
      this.inner instanceof Hourglass ? this.inner.apply(low1, mode, levels) : this.inner.apply(low1, mode);
    const low3 = this.low3.apply(low2, mode);
    // Inner levels finish first, so putting each level in front gives outermost-first order.
    levels?.unshift(low3);
    const [, height, width] = low3.shape;
    return tf.add(up1, tf.image.resizeNearestNeighbor(low3, [height * 2, width * 2]));
  }
}

/** One stack after the shared stem: hourglass, features block, and the (MC-dropout) 1×1 heatmap conv. */
class Stack {
  readonly hourglass: Hourglass;
  private readonly featureResidual: Residual;
  private readonly featureConv: Conv2d;
  private readonly featureBn: BatchNorm;
  readonly heatmapConv: Conv2d;

  constructor(store: ParamStore, name: string, config: HourglassConfig) {
    const c = config.channels;
    this.hourglass = new Hourglass(store, `${name}/hg${config.depth}`, config.depth, c);
    this.featureResidual = new Residual(store, `${name}/features/residual`, c, c);
    this.featureConv = new Conv2d(store, `${name}/features/conv`, 1, c, c);
    this.featureBn = new BatchNorm(store, `${name}/features/bn`, c);
    this.heatmapConv = new Conv2d(store, `${name}/heatmaps`, 1, c, config.joints);
  }

  features(hourglassOut: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const h = this.featureResidual.apply(hourglassOut, mode);
    return tf.relu(this.featureBn.apply(this.featureConv.apply(h), mode));
  }
}

/** Between stacks (spec §2.1): x ← x + conv1×1(heatmaps) + conv1×1(features). */
class Merge {
  private readonly fromHeatmaps: Conv2d;
  private readonly fromFeatures: Conv2d;

  constructor(store: ParamStore, name: string, config: HourglassConfig) {
    this.fromHeatmaps = new Conv2d(store, `${name}/heatmaps`, 1, config.joints, config.channels);
    this.fromFeatures = new Conv2d(store, `${name}/features`, 1, config.channels, config.channels);
  }

  apply(x: tf.Tensor4D, heatmaps: tf.Tensor4D, features: tf.Tensor4D): tf.Tensor4D {
    return tf.addN([x, this.fromHeatmaps.apply(heatmaps), this.fromFeatures.apply(features)]) as tf.Tensor4D;
  }
}

/**
 * Activations up to the first dropout: the part MC passes share (see `HourglassModel.prefix`). A type alias, not an
 * interface, so that tf.tidy and tf.dispose accept it as a tensor container.
 */
export type HourglassPrefix = {
  /** Input of stack 0 (the stem output). */
  stemOut: tf.Tensor4D;
  /** Stack 0's hourglass output (feature_5 when it is the last stack) and its low3 taps. */
  hourglassOut: tf.Tensor4D;
  levels: tf.Tensor4D[];
};

/** Dropout sites of one stack, keyed into the mask seeds (site 0 keeps the key masks had before sites existed). */
const DROPOUT_SITE = { heatmapConv: 0, hourglassOut: 1 } as const;

/**
 * Stacked hourglass (spec §2.1), NHWC: stem conv7×7/2 + BN + ReLU → Residual(w0→w1) → maxpool → Residual(w1→w1) →
 * Residual(w1→C), then `stacks` × (hourglass → dropout → features → dropout → 1×1 heatmaps) with merges between
 * stacks. Dropout drops whole feature channels, per sample; masks come from seeds (training: (seed, step, row); MC
 * inference: (seed, sample, pass)), so a pass without seeds is deterministic.
 *
 * Where dropout sits (`config.dropoutPlacement`, issue 14): 'stages' (the default) drops channels after every
 * hourglass stage *and* before every heatmap conv, so an MC pass perturbs the features block (a residual, a 1×1 conv
 * and BN: four convs) as well as the last layer, and with 2+ stacks every later stack too; the spirit of the
 * DeepPrior spec's variant A (dropout after the conv stages, not on the output layer alone). The stem and the first
 * hourglass stay deterministic: they are the costly part of the net, run once per image while the M passes run the
 * rest, which keeps scoring a pool affordable on a CPU. 'heatmap-conv' (before the heatmap conv only) is what
 * checkpoints written before the field existed were trained with; they keep it, so they load and score as before.
 */
export class HourglassModel extends StoredNetwork {
  readonly config: HourglassConfig;
  private readonly stemConv: Conv2d;
  private readonly stemBn: BatchNorm;
  private readonly stem: [Residual, Residual, Residual];
  private readonly stacks: Stack[] = [];
  private readonly merges: Merge[] = [];
  private readonly dropsStages: boolean;

  constructor(config: HourglassConfig, initSeed: number) {
    super(new ParamStore(createRng(mixSeed(initSeed, 0x4c55))));
    this.config = config;
    this.dropsStages = (config.dropoutPlacement ?? LEGACY_DROPOUT_PLACEMENT) === 'stages';
    const store = this.store;
    const [w0, w1] = config.stemChannels;
    const name = (part: string): string => `${POSE_WEIGHT_PREFIX}${part}`;
    this.stemConv = new Conv2d(store, name('stem/conv'), 7, 3, w0, { stride: 2, padding: 3 });
    this.stemBn = new BatchNorm(store, name('stem/bn'), w0);
    this.stem = [
      new Residual(store, name('stem/residual1'), w0, w1),
      new Residual(store, name('stem/residual2'), w1, w1),
      new Residual(store, name('stem/residual3'), w1, config.channels),
    ];
    for (let i = 0; i < config.stacks; i++) {
      this.stacks.push(new Stack(store, name(`stack${i}`), config));
      if (i + 1 < config.stacks) this.merges.push(new Merge(store, name(`merge${i}`), config));
    }
  }

  /**
   * One forward pass on x [n, S, S, 3] (RGB, pixel/256). With `rowSeeds`, MC dropout is on with masks derived from
   * them. Call inside tf.tidy or a gradient scope.
   */
  apply(x: tf.Tensor4D, mode: ForwardMode, rowSeeds?: RowSeeds): HourglassOutput {
    return this.suffix(this.prefix(x, mode), mode, rowSeeds);
  }

  /** Everything before the first dropout: identical in every MC pass, so inference computes it once per batch. */
  prefix(x: tf.Tensor4D, mode: ForwardMode = INFERENCE): HourglassPrefix {
    let h = tf.relu(this.stemBn.apply(this.stemConv.apply(x), mode));
    h = this.stem[0].apply(h, mode);
    h = this.stem[1].apply(tf.maxPool(h, 2, 2, 'valid'), mode);
    const stemOut = this.stem[2].apply(h, mode);
    const levels: tf.Tensor4D[] = [];
    const hourglassOut = this.stacks[0]!.hourglass.apply(stemOut, mode, levels);
    return { stemOut, hourglassOut, levels };
  }

  /**
   * The rest of a pass from the shared prefix: one set of dropout masks (or none) for every site. The taps stay
   * undropped (the auxiliary net reads the hourglass's own output, spec §2.1), so with one stack its heads do not
   * vary between passes; the features, the embedding and the heatmaps do.
   */
  suffix(prefix: HourglassPrefix, mode: ForwardMode = INFERENCE, rowSeeds?: RowSeeds): HourglassOutput {
    const n = prefix.stemOut.shape[0];
    const heatmaps: tf.Tensor4D[] = [];
    const drop = (features: tf.Tensor4D, stack: number, site: number): tf.Tensor4D =>
      rowSeeds === undefined
        ? features
        : (tf.mul(features, this.dropoutMask(n, stack, site, rowSeeds)) as tf.Tensor4D);
    let { stemOut: x, hourglassOut, levels } = prefix;
    let features = hourglassOut;
    for (let i = 0; i < this.stacks.length; i++) {
      const stack = this.stacks[i]!;
      if (i > 0) {
        levels = [];
        hourglassOut = stack.hourglass.apply(x, mode, levels);
      }
      const stageOut = this.dropsStages ? drop(hourglassOut, i, DROPOUT_SITE.hourglassOut) : hourglassOut;
      features = stack.features(stageOut, mode);
      heatmaps.push(stack.heatmapConv.apply(drop(features, i, DROPOUT_SITE.heatmapConv)));
      if (i + 1 < this.stacks.length) x = this.merges[i]!.apply(x, heatmaps[i]!, features);
    }
    return {
      heatmaps,
      taps: { top: hourglassOut, levels },
      penultimate: tf.mean(features, [1, 2]) as tf.Tensor2D,
    };
  }

  /** [n, 1, 1, C] channel mask of one site of stack `stack`: row r keyed by (rowSeeds(r), stack[, site]). */
  private dropoutMask(n: number, stack: number, site: number, rowSeeds: RowSeeds): tf.Tensor4D {
    const channels = this.config.channels;
    const values = new Float32Array(n * channels);
    for (let row = 0; row < n; row++) {
      const key = site === DROPOUT_SITE.heatmapConv ? [stack] : [stack, site];
      fillDropoutMask(
        values,
        row * channels,
        channels,
        mixSeed(rowSeeds(row), ...key),
        this.config.dropoutRate,
      );
    }
    return tf.tensor4d(values, [n, 1, 1, channels]);
  }
}
