import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aleatoricHeatmapLoss, learningLossKl as referenceKl } from '@shared/pose2d/losses';
import { vl4poseTrainingLoss } from '@shared/pose2d/likelihood';
import { cropToGrid } from '@shared/pose2d/targets';
import { createRng, type Rng } from '@shared/random';
import {
  HOURGLASS_PAPER_PARAM_COUNTS,
  loadCheckpointMeta,
  createHeatmapLearner,
  selectBackend,
  validateHourglassConfig,
  type HeatmapLabelledCrops,
  type HeatmapTrainOutcome,
  type HeatmapTrainProgress,
  type HourglassConfigInput,
} from '../../../src/main/learner';
import { flipAveraging, runHeatmapInference } from '../../../src/main/learner/models/hourglass/inference';
import { runHeatmapTraining } from '../../../src/main/learner/models/hourglass/training';
import {
  createHeatmapNetworks,
  disposeHeatmapNetworks,
  HeatmapReplica,
} from '../../../src/main/learner/models/hourglass/replica';
import { localStepper } from '../../../src/main/learner/replica';
import { HeatmapAuxNet } from '../../../src/main/learner/models/hourglass/aux';
import { augmentSample } from '../../../src/main/learner/models/hourglass/augment';
import { HeatmapBatchBuilder } from '../../../src/main/learner/models/hourglass/batch';
import {
  BatchNorm,
  Conv2d,
  INFERENCE,
  ParamStore,
  type BatchNormUpdate,
} from '../../../src/main/learner/models/hourglass/layers';
import {
  aleatoricLoss,
  learningLossKl,
  perSampleHeatmapLoss,
  vl4poseLoss,
} from '../../../src/main/learner/models/hourglass/losses';
import { HourglassModel } from '../../../src/main/learner/models/hourglass/model';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from '../../../src/main/learner/node/checkpoint';

const backend = 'wasm' as const;
const SIZE = 32;
/** Joint 2 hangs off joint 1 at this fixed distance (crop px): the VL4Pose head must learn it. */
const FIXED_LINK = 10;
/**
 * A deliberately tiny hourglass (32² in, 8² heatmaps, 2 stacks so the merges run) on 3 joints in a chain. No
 * scale augmentation, so link lengths stay fixed; flips, small rotations and shifts stay on.
 */
const TINY: HourglassConfigInput = {
  preset: 'fast',
  inputSize: SIZE,
  gridSize: 8,
  stemChannels: [8, 16],
  channels: 16,
  stacks: 2,
  depth: 2,
  links: [
    [0, 1],
    [1, 2],
  ],
  batchSize: 16,
  epochs: 10,
  learningRate: 4e-3,
  dropoutRate: 0.2,
  mcPasses: 6,
  augmentation: { maxScale: 0, maxRotationDegrees: 15, maxShift: 0.05 },
};
const MC_OPTIONS = {
  firstIndex: 0,
  passes: 3,
  seed: 1,
  batchSize: 2,
  peaks: { minDistance: 1, maxPeaks: 3 },
  flip: false,
};
const COLOURS = [
  [1, 0.1, 0.1],
  [0.1, 1, 0.1],
  [0.2, 0.4, 1],
] as const;

/** Dark noisy crops with a red, green and blue dot: joint 0 anywhere, joint 1 near it, joint 2 at FIXED_LINK from 1. */
function dotCrops(count: number, seed: number): HeatmapLabelledCrops {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: count * SIZE * SIZE * 3 }, () => rng.uniform(0, 0.15));
  const joints = new Float32Array(count * 3 * 2);
  const inside = (p: [number, number]): boolean => p.every((v) => v >= 3 && v <= SIZE - 4);
  const step = (from: [number, number], length: number, r: Rng): [number, number] => {
    const angle = r.uniform(0, 2 * Math.PI);
    return [from[0] + length * Math.cos(angle), from[1] + length * Math.sin(angle)];
  };
  for (let i = 0; i < count; i++) {
    let pose: [number, number][];
    do {
      const root: [number, number] = [rng.uniform(3, SIZE - 4), rng.uniform(3, SIZE - 4)];
      const middle = step(root, rng.uniform(6, 12), rng);
      pose = [root, middle, step(middle, FIXED_LINK, rng)];
    } while (!pose.every(inside));
    pose.forEach(([row, col], j) => {
      joints.set([row, col], (i * 3 + j) * 2);
      for (let r = Math.floor(row) - 2; r <= Math.ceil(row) + 2; r++) {
        for (let c = Math.floor(col) - 2; c <= Math.ceil(col) + 2; c++) {
          const weight = Math.exp(-((r - row) ** 2 + (c - col) ** 2) / 2);
          const at = ((i * SIZE + r) * SIZE + c) * 3;
          for (let k = 0; k < 3; k++) x[at + k] = Math.max(x[at + k]!, weight * COLOURS[j]![k]!);
        }
      }
    });
  }
  return { x, count, size: SIZE, joints, visibility: new Int8Array(count * 3).fill(1) };
}

function meanDistance(a: Float32Array, b: Float32Array): number {
  let total = 0;
  for (let k = 0; k < a.length / 2; k++)
    total += Math.hypot(a[2 * k]! - b[2 * k]!, a[2 * k + 1]! - b[2 * k + 1]!);
  return total / (a.length / 2);
}

const train = dotCrops(320, 1);
const val = dotCrops(64, 2);
let dir: string;
let trained: HeatmapTrainOutcome;
const hourglass = createHeatmapLearner();
const progress: HeatmapTrainProgress[] = [];

beforeAll(async () => {
  await selectBackend(backend);
  dir = await mkdtemp(join(tmpdir(), 'poseloop-hourglass-'));
  trained = await hourglass.train({
    config: TINY,
    train,
    val,
    seed: 3,
    backend,
    checkpointDir: dir,
    checkpointName: 'dots',
    onProgress: (p) => progress.push(p),
  });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hourglass configuration', () => {
  it('paper preset: parameter counts of spec §2.3 (used hourglass parameters; VL4Pose-only auxiliary net)', () => {
    const paper = validateHourglassConfig({ preset: 'paper' });
    expect([
      paper.inputSize,
      paper.gridSize,
      paper.stacks,
      paper.channels,
      paper.depth,
      paper.joints,
    ]).toEqual([256, 64, 2, 256, 4, 16]);
    const model = new HourglassModel(paper, 1);
    const aux = new HeatmapAuxNet(
      { ...paper, auxHeads: { vl4pose: true, aleatoric: false, learningLoss: false } },
      1,
    );
    expect(model.paramCount()).toBe(6_570_400);
    expect(aux.paramCount()).toBe(2_142_702);
    expect(HOURGLASS_PAPER_PARAM_COUNTS).toEqual({ hourglass: 6_570_400, vl4poseAux: 2_142_702 });
    model.dispose();
    aux.dispose();
  });

  it('auto resolves by backend; bad skeletons and sizes are refused with the reason', () => {
    expect(validateHourglassConfig({}, 'wasm').preset).toBe('fast');
    expect(validateHourglassConfig({ preset: 'auto' }, 'node-gpu').preset).toBe('paper');
    expect(validateHourglassConfig(TINY).joints).toBe(3);
    expect(() => validateHourglassConfig({ joints: 3 })).toThrow(/give links/);
    expect(() =>
      validateHourglassConfig({
        ...TINY,
        links: [
          [0, 1],
          [0, 1],
        ],
      }),
    ).toThrow(/two parents/);
    expect(() => validateHourglassConfig({ ...TINY, gridSize: 9 })).toThrow(/inputSize must be 4·gridSize/);
    expect(() => validateHourglassConfig({ ...TINY, depth: 4 })).toThrow(/divisible by 2\^depth/);
  });
});

describe('hourglass building blocks', () => {
  it('losses match the shared float64 references and the spec test vectors (TV-B, TV-I)', () => {
    const value = (f: () => tf.Scalar): number => tf.tidy(() => f().dataSync()[0]!);
    // TV-B: d = [6, 7], μ = [5, 5], s = [ln 4, 0], masks [1, 1] and [1, 0].
    const params = tf.tensor2d([[5, Math.log(4), 5, 0]]);
    const distances = tf.tensor2d([[6, 7]]);
    expect(value(() => vl4poseLoss(params, distances, tf.tensor2d([[1, 1]])))).toBeCloseTo(
      1.4090735902799727,
      5,
    );
    expect(value(() => vl4poseLoss(params, distances, tf.tensor2d([[1, 0]])))).toBeCloseTo(
      0.40907359027997264,
      5,
    );
    expect(vl4poseTrainingLoss([6, 7], [5, 5], [Math.log(4), 0], [1, 0]).loss).toBeCloseTo(0.40907359, 7);
    // TV-I aleatoric: argmaxes (10,12) vs (13,16), r = 25, s = ln 5.
    const aleatoric = value(() =>
      aleatoricLoss(tf.tensor2d([[Math.log(5)]]), tf.tensor2d([[25]]), tf.tensor2d([[1]])),
    );
    expect(aleatoric).toBeCloseTo(3.3047189562170503, 5);
    expect(aleatoricHeatmapLoss([10, 12], [13, 16], [Math.log(5)], [1])).toBeCloseTo(aleatoric, 5);
    // TV-I LL++ KL, plus a pair of two zero losses (target ½, ½ in the shared reference).
    for (const [truth, predicted] of [
      [
        [0.2, 0.1, 0.05, 0.3],
        [1, 0, 0, 2],
      ],
      [
        [0, 0.1, 0, 0.3],
        [0.5, 0, -1, 2],
      ],
    ]) {
      const kl = value(() => learningLossKl(tf.tensor1d(predicted!), tf.tensor1d(truth!)));
      expect(kl).toBeCloseTo(referenceKl(truth!, predicted!), 5);
    }
    expect(
      value(() => learningLossKl(tf.tensor1d([1, 0, 0, 2]), tf.tensor1d([0.2, 0.1, 0.05, 0.3]))),
    ).toBeCloseTo(0.03872606520209962, 5);
    // Pose loss: mean over stacks of the per-sample mean over J×G×G.
    const perSample = tf.tidy(() =>
      perSampleHeatmapLoss(
        [tf.ones([2, 2, 2, 1]), tf.zeros([2, 2, 2, 1])],
        tf.zeros([2, 2, 2, 1]),
      ).arraySync(),
    );
    expect(perSample).toEqual([0.5, 0.5]);
    tf.dispose([params, distances]);
  });

  it('custom-gradient layers (strided convs, training BN, 1×1 and full-size convs) match TF.js ops on cpu', async () => {
    await tf.setBackend('cpu');
    try {
      const store = new ParamStore(createRng(5));
      // 14² → stem 7×7/2 (pad 3) → 7² → BN → 1×1 → 2×2/2 valid → 3² → 3×3 valid → 1²: every path of Conv2d.
      const layers = {
        stem: new Conv2d(store, 'stem', 7, 3, 4, { stride: 2, padding: 3 }),
        bn: new BatchNorm(store, 'bn', 4),
        pointwise: new Conv2d(store, 'pointwise', 1, 4, 6),
        down: new Conv2d(store, 'down', 2, 6, 5, { stride: 2 }),
        collapse: new Conv2d(store, 'collapse', 3, 5, 2),
      };
      const x = tf.randomNormal([3, 14, 14, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const weights = tf.randomNormal([3, 1, 1, 2], 0, 1, 'float32', 8);
      const [k1, b1, gamma, beta, k2, b2, k3, b3, k4, b4] = store.trainableVariables as tf.Tensor4D[];
      const updates: BatchNormUpdate[] = [];
      const ours = (): tf.Scalar => {
        // A ReLU between conv and BN, else the conv bias's true gradient is 0 and the comparison is noise.
        let h = layers.bn.apply(tf.relu(layers.stem.apply(x)), { training: true, batchNormUpdates: updates });
        h = tf.relu(layers.down.apply(tf.relu(layers.pointwise.apply(h))));
        return tf.sum(tf.mul(layers.collapse.apply(h), weights));
      };
      const reference = (): tf.Scalar => {
        const conv = (
          input: tf.Tensor4D,
          kernel: tf.Tensor4D,
          bias: tf.Tensor,
          stride: number,
        ): tf.Tensor4D => tf.add(tf.conv2d(input, kernel, stride, 'valid'), bias);
        const padded = tf.pad(x, [
          [0, 0],
          [3, 3],
          [3, 3],
          [0, 0],
        ]) as tf.Tensor4D;
        const stem = tf.relu(conv(padded, k1!, b1!, 2));
        const { mean, variance } = tf.moments(stem, [0, 1, 2]);
        const [m, v, b, g] = [mean, variance, beta, gamma] as tf.Tensor1D[];
        let h = tf.batchNorm4d(stem, m!, v!, b!, g!, 1e-5);
        h = tf.relu(conv(tf.relu(conv(h, k2!, b2!, 1)), k3!, b3!, 2));
        return tf.sum(tf.mul(conv(h, k4!, b4!, 1), weights));
      };
      const grads = (f: () => tf.Scalar): Float32Array[] =>
        tf.tidy(() => {
          const { grads: g } = tf.variableGrads(f, store.trainableVariables);
          return store.trainableVariables.map((v) => g[v.name]!.dataSync() as Float32Array);
        });
      const [mine, theirs] = [grads(ours), grads(reference)];
      expect(mine).toHaveLength(10);
      mine.forEach((grad, i) => {
        const scale = Math.max(...theirs[i]!.map(Math.abs));
        const worst = Math.max(...grad.map((g, k) => Math.abs(g - theirs[i]![k]!)));
        expect(scale, `variable ${i}`).toBeGreaterThan(0);
        expect(worst / scale, `variable ${i}`).toBeLessThan(1e-4);
      });
      tf.dispose([x, weights, ...updates.flatMap((u) => [u.mean, u.variance])]);
      store.dispose();
    } finally {
      await tf.setBackend(backend);
    }
  });

  it('detached taps: the auxiliary losses give exactly zero gradient on every pose weight', () => {
    const config = validateHourglassConfig(TINY);
    const learner = createHeatmapNetworks(config, 9);
    const batch = new HeatmapBatchBuilder(config, 4).fill(train, null, 0, 4, null);
    const poseWeights = learner.model.trainableVariables;
    const auxWeights = learner.aux!.trainableVariables;
    const maxAbs = tf.tidy(() => {
      const x = tf.tensor4d(batch.x.subarray(0, 4 * SIZE * SIZE * 3), [4, SIZE, SIZE, 3]);
      const { grads } = tf.variableGrads(() => {
        const heads = learner.aux!.apply(learner.model.apply(x, INFERENCE).taps);
        return tf.addN([
          tf.sum(tf.square(heads.linkParams!)),
          tf.sum(heads.aleatoricLogVar!),
          tf.sum(heads.predictedLoss!),
        ]);
      }, [...poseWeights, ...auxWeights]);
      const largest = (vars: tf.Variable[]): number =>
        Math.max(
          ...vars.map((v) =>
            grads[v.name] === undefined ? 0 : tf.max(tf.abs(grads[v.name]!)).dataSync()[0]!,
          ),
        );
      return [largest(poseWeights), largest(auxWeights)];
    });
    expect(maxAbs[0]).toBe(0);
    expect(maxAbs[1]).toBeGreaterThan(0);
    disposeHeatmapNetworks(learner);
  });

  it('MC dropout acts after the hourglass stage: passes differ in the features before the last layer', () => {
    // One stack, so the only way the features block can vary is dropout on the hourglass output.
    const config = validateHourglassConfig({ ...TINY, stacks: 1 });
    expect(config.dropoutPlacement).toBe('stages');
    const { dropoutPlacement: _, ...legacyConfig } = config; // a checkpoint written before the field existed
    const x = tf.tensor4d(train.x.subarray(0, 2 * SIZE * SIZE * 3), [2, SIZE, SIZE, 3]);
    const featurePasses = (model: HourglassModel): number[][] =>
      [1, 2].map((pass) =>
        tf.tidy(() => [...model.apply(x, INFERENCE, (row) => 100 * pass + row).penultimate.dataSync()]),
      );
    const spread = (passes: number[][]): number =>
      Math.max(...passes[0]!.map((v, i) => Math.abs(v - passes[1]![i]!)));
    const stages = new HourglassModel(config, 5);
    const legacy = new HourglassModel(legacyConfig, 5);
    expect(spread(featurePasses(stages))).toBeGreaterThan(1e-3);
    expect(spread(featurePasses(legacy))).toBe(0);
    // Same weights, no masks: the placement changes nothing in a deterministic pass.
    const plain = (model: HourglassModel): number[] =>
      tf.tidy(() => [...model.apply(x, INFERENCE).heatmaps[0]!.dataSync()]);
    expect(plain(stages)).toEqual(plain(legacy));
    expect(() => validateHourglassConfig({ ...TINY, dropoutPlacement: 'everywhere' as 'stages' })).toThrow(
      /dropoutPlacement must be one of stages, heatmap-conv/,
    );
    [stages, legacy, x].forEach((t) => t.dispose());
  });

  it('training steps and MC inference leak no tensors, and the BN running statistics move', () => {
    const config = validateHourglassConfig(TINY);
    const replica = new HeatmapReplica({ config, seed: 2, train, batch: 8 });
    const stepper = localStepper(replica);
    const rows = Int32Array.from({ length: 8 }, (_, row) => row);
    const learner = replica.networks;
    const movingMean = (): number[] => [...learner.model.readWeights().get('hg/stem/bn/movingMean')!.values];
    stepper.step(rows, 1);
    const before = tf.memory().numTensors;
    const statistics = movingMean();
    stepper.step(rows, 2);
    for (const flip of [false, true])
      runHeatmapInference(learner.model, learner.aux, val.x, 5, { ...MC_OPTIONS, flip }, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(movingMean()).not.toEqual(statistics);
    replica.dispose();
  });

  it('flip averaging: the mirrored crop gets the mirrored pose with the pair swapped, through the MC passes', () => {
    const config = validateHourglassConfig({ ...TINY, stacks: 1, mirrorPairs: [[0, 2]] });
    expect(flipAveraging(config)).toBe(true);
    expect(flipAveraging({ ...config, augmentation: { ...config.augmentation, flipProbability: 0 } })).toBe(
      false,
    );
    const networks = createHeatmapNetworks(config, 3);
    const count = 4;
    const crops = val.x.slice(0, count * SIZE * SIZE * 3);
    const mirrored = new Float32Array(crops.length);
    for (let i = 0; i < count * SIZE; i++)
      for (let c = 0; c < SIZE; c++)
        mirrored.set(
          crops.subarray((i * SIZE + c) * 3, (i * SIZE + c + 1) * 3),
          (i * SIZE + SIZE - 1 - c) * 3,
        );
    const locate = (x: Float32Array, flip: boolean): Float32Array =>
      runHeatmapInference(networks.model, networks.aux, x, count, { ...MC_OPTIONS, flip }, () => undefined)
        .location;
    const swapped = [2, 1, 0];
    /** Largest gap between x's pose and the mirrored crop's pose mirrored back (sides swapped). */
    const asymmetry = (flip: boolean): number => {
      const [plain, mirror] = [locate(crops, flip), locate(mirrored, flip)];
      let worst = 0;
      for (let i = 0; i < count; i++)
        for (let j = 0; j < 3; j++) {
          const [at, back] = [(i * 3 + j) * 2, (i * 3 + swapped[j]!) * 2];
          worst = Math.max(
            worst,
            Math.abs(plain[at]! - mirror[back]!),
            Math.abs(plain[at + 1]! - (SIZE - 1 - mirror[back + 1]!)),
          );
        }
      return worst;
    };
    expect(asymmetry(true)).toBeLessThan(1e-4);
    expect(asymmetry(false)).toBeGreaterThan(0.01);
    disposeHeatmapNetworks(networks);
  });

  it('augmentation moves a drawn dot and its joint label together; a flip swaps mirror pairs', () => {
    const size = 33;
    const image = new Float32Array(size * size * 3);
    const joints = Float32Array.from([10, 7, 20, 25]);
    image.set([1, 1, 1], (10 * size + 7) * 3);
    const out = {
      image: new Float32Array(image.length),
      joints: new Float32Array(4),
      visibility: new Int8Array(2),
    };
    const transform = { flip: true, scale: 1, rotation: Math.PI / 2, shiftRow: 2, shiftCol: -3 };
    augmentSample(size, transform, [[0, 1]], { image, joints, visibility: Int8Array.from([1, 0]) }, out);
    // Joint 0's dot is now where joint 1's slot says (swapped by the flip).
    const [row, col] = [out.joints[2]!, out.joints[3]!];
    expect(out.image[(Math.round(row) * size + Math.round(col)) * 3]).toBeCloseTo(1, 5);
    expect([...out.visibility]).toEqual([0, 1]);
    // Random augmentation is a function of the seed.
    const config = validateHourglassConfig(TINY);
    const draw = (seed: number): Float32Array =>
      new HeatmapBatchBuilder(config, 4).fill(train, null, 0, 4, createRng(seed)).x.slice();
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('non-finite pixels or annotated joints are refused before training', async () => {
    const first16 = {
      x: train.x.slice(0, 16 * SIZE * SIZE * 3),
      count: 16,
      size: SIZE,
      joints: train.joints.slice(0, 16 * 3 * 2),
      visibility: train.visibility.slice(0, 16 * 3),
    };
    const run = (crops: HeatmapLabelledCrops) =>
      runHeatmapTraining(
        { kind: 'train-heatmap', config: { ...TINY, epochs: 1 }, train: crops, seed: 1, backend },
        () => undefined,
      );
    const nanPixel = first16.x.slice();
    nanPixel[SIZE * SIZE * 3 + 5] = Number.NaN;
    await expect(run({ ...first16, x: nanPixel })).rejects.toThrow(/crop 1 has a non-finite pixel/);
    const nanJoint = first16.joints.slice();
    nanJoint[2 * 4] = Number.NaN;
    await expect(run({ ...first16, joints: nanJoint })).rejects.toThrow(/sample 1, joint 1 needs .* finite/);
    // An absent joint's coordinates are ignored.
    const absent = first16.visibility.slice();
    absent[4] = -1;
    await expect(run({ ...first16, joints: nanJoint, visibility: absent })).resolves.toMatchObject({
      metrics: { trainCount: 16 },
    });
  });
});

describe('heatmap training and MC inference in workers', () => {
  it('locates the dots far better than the mean pose, and the checkpoint says hourglass', async () => {
    const meta = await loadCheckpointMeta(trained.checkpointPath);
    expect(meta.model).toBe('hourglass');
    expect(trained.backend.name).toBe('wasm');
    expect(trained.metrics.bestValLoss).not.toBeNull();
    const prediction = await hourglass.predictMc({
      checkpointPath: trained.checkpointPath,
      images: val,
      passes: 1,
      workers: 1,
      backend,
    });
    const mean = new Float32Array(6);
    for (let k = 0; k < train.joints.length; k++) mean[k % 6] = mean[k % 6]! + train.joints[k]! / train.count;
    const baseline = meanDistance(
      Float32Array.from(val.joints, (_, k) => mean[k % 6]!),
      val.joints,
    );
    const learned = meanDistance(prediction.location, val.joints);
    expect(learned).toBeLessThan(0.5 * baseline);
    expect(prediction.peaks.length).toBe(val.count * 3 * 5 * 3);
    expect(prediction.embedding.length).toBe(val.count * 16);
  });

  it('fine-tuning starts from the given checkpoint (BN statistics included): the start check equals its best', async () => {
    const tuned = await hourglass.train({
      config: { ...TINY, epochs: 1 },
      train,
      val,
      seed: 3,
      backend,
      checkpointDir: dir,
      checkpointName: 'dots-tuned',
      initialCheckpoint: trained.checkpointPath,
    });
    expect(tuned.metrics.startValLoss).toBe(trained.metrics.bestValLoss);
    expect(tuned.metrics.bestValLoss).toBeLessThanOrEqual(trained.metrics.bestValLoss!);
    expect(tuned.metrics).toMatchObject({ epochs: 1, epochsRun: 1, stoppedEarly: false });
    await expect(
      hourglass.train({
        config: { ...TINY, channels: 8, epochs: 1 },
        train,
        seed: 3,
        backend,
        checkpointDir: dir,
        initialCheckpoint: trained.checkpointPath,
      }),
    ).rejects.toThrow(/cannot fine-tune from .*dots: its channels is 16, this training's is 8/);
  });

  it('the VL4Pose head learns the fixed link length, and its loss decreases', async () => {
    const prediction = await hourglass.predictMc({
      checkpointPath: trained.checkpointPath,
      images: val,
      passes: 1,
      workers: 1,
      backend,
    });
    // Training targets are distances between integer grid argmaxes: the mean over the validation poses.
    let target = 0;
    let learned = 0;
    for (let i = 0; i < val.count; i++) {
      const grid = (j: number, axis: number): number =>
        Math.round(cropToGrid(val.joints[(i * 3 + j) * 2 + axis]!, SIZE, 8));
      target += Math.hypot(grid(1, 0) - grid(2, 0), grid(1, 1) - grid(2, 1)) / val.count;
      learned += prediction.linkParams![(i * 2 + 1) * 2]! / val.count;
    }
    expect(Math.abs(learned - target)).toBeLessThan(0.35);
    const vl4pose = progress.map((p) => p.auxLosses.vl4pose!);
    const firstEpoch = vl4pose.slice(0, progress[0]!.batchesPerEpoch);
    const lastEpoch = vl4pose.slice(-progress[0]!.batchesPerEpoch);
    const average = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    expect(average(lastEpoch)).toBeLessThan(average(firstEpoch) - 0.5);
  });

  it('MC dropout: M > 1 spreads the locations, M = 1 gives exactly zero spread', async () => {
    const options = { checkpointPath: trained.checkpointPath, images: val, workers: 1, seed: 4, backend };
    const single = await hourglass.predictMc({ ...options, passes: 1 });
    const several = await hourglass.predictMc({ ...options, passes: 6 });
    expect(single.locationStd.every((v) => v === 0)).toBe(true);
    expect(several.locationStd.some((v) => v > 0)).toBe(true);
    expect(several.aleatoricLogVar!.length).toBe(val.count * 3);
    expect(several.predictedLoss!.length).toBe(val.count);
  });

  it('one worker and two workers give bit-identical summaries', async () => {
    const options = {
      checkpointPath: trained.checkpointPath,
      images: val,
      passes: 4,
      seed: 7,
      batchSize: 16,
      backend,
    };
    const one = await hourglass.predictMc({ ...options, workers: 1 });
    const two = await hourglass.predictMc({ ...options, workers: 2 });
    for (const key of [
      'location',
      'locationStd',
      'peakValue',
      'peaks',
      'linkParams',
      'aleatoricLogVar',
      'predictedLoss',
      'embedding',
    ] as const)
      expect(two[key], key).toEqual(one[key]);
  });

  it('cancelling terminates training and leaves no checkpoint', async () => {
    const cancelDir = await mkdtemp(join(tmpdir(), 'poseloop-hourglass-cancel-'));
    const controller = new AbortController();
    const run = hourglass.train({
      config: { ...TINY, epochs: 50 },
      train,
      seed: 1,
      backend,
      checkpointDir: cancelDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(cancelDir)).toEqual([]);
    await rm(cancelDir, { recursive: true, force: true });
  });

  it('checkpoints without a model field read as DeepPrior', async () => {
    const old = join(dir, 'old');
    await mkdir(old);
    await writeFile(
      join(old, 'checkpoint.json'),
      JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, weights: [] }),
    );
    expect((await loadCheckpointMeta(old)).model).toBe('deepprior');
    await expect(hourglass.predictMc({ checkpointPath: old, images: val })).rejects.toThrow(
      /holds a deepprior model/,
    );
  });
});
