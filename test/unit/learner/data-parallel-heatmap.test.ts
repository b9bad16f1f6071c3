import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@shared/random';
import {
  createHeatmapLearner,
  selectBackend,
  validateHourglassConfig,
  type HeatmapLabelledCrops,
  type HourglassConfigInput,
} from '../../../src/main/learner';
import { HeatmapReplica } from '../../../src/main/learner/models/hourglass/replica';
import { startDataParallel } from '../../../src/main/learner/node/data-parallel';
import { sharedCopy } from '../../../src/main/learner/node/shared-gradients';
import { localStepper } from '../../../src/main/learner/replica';
import { flat, maxAbs, recording } from './replicas';

const backend = 'wasm' as const;
const SIZE = 32;
const BATCH = 8;
/** A tiny hourglass with batch norm in every residual and all three auxiliary heads (the batch-coupled parts). */
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
  batchSize: BATCH,
  epochs: 2,
  learningRate: 4e-3,
  dropoutRate: 0.2,
  mcPasses: 2,
};

/** Noise crops with random joints (one in seven absent): enough to give every loss a gradient. */
function noiseCrops(count: number, seed: number): HeatmapLabelledCrops {
  const rng = createRng(seed);
  return {
    x: sharedCopy(Float32Array.from({ length: count * SIZE * SIZE * 3 }, () => rng.uniform(0, 1))),
    count,
    size: SIZE,
    joints: sharedCopy(Float32Array.from({ length: count * 3 * 2 }, () => rng.uniform(4, SIZE - 5))),
    visibility: sharedCopy(Int8Array.from({ length: count * 3 }, (_, i) => (i % 7 === 3 ? -1 : 1))),
  };
}

const train = noiseCrops(24, 1);
const rows = Int32Array.from([5, 17, 2, 11, 23, 0, 8, 14]);
const spec = () => ({ config: validateHourglassConfig(TINY, backend), seed: 4, train, batch: BATCH });

beforeAll(async () => {
  await selectBackend(backend);
});

describe('data-parallel heatmap training', () => {
  it('2 shards (batch norm and learning-loss pairs across them) sum to the whole batch’s gradient', async () => {
    // Both start from another seed's weights, as when fine-tuning: the helper must receive them.
    const donor = new HeatmapReplica({ ...spec(), seed: 9 });
    const start = donor.readWeights();
    donor.dispose();
    const replica = (): HeatmapReplica => {
      const fresh = new HeatmapReplica(spec());
      fresh.networks.model.loadWeights(start);
      fresh.networks.aux!.loadWeights(start);
      return fresh;
    };
    const single = recording(replica());
    const singleLosses = localStepper(single.replica).step(rows, 1);
    const coordinator = recording(replica());
    const stepper = await startDataParallel(coordinator.replica, {
      workers: 2,
      batch: BATCH,
      backend,
      model: { kind: 'hourglass', spec: spec() },
    });
    try {
      const losses = stepper.step(rows, 1);
      for (const name of ['pose', 'vl4pose', 'aleatoric', 'learningLoss'] as const) {
        expect(losses[name], name).toBeCloseTo(singleLosses[name]!, 4);
      }
      const full = flat(single.applied[0]!);
      const summed = flat(coordinator.applied[0]!);
      expect(summed.length).toBe(full.length);
      expect(maxAbs(full)).toBeGreaterThan(1e-3);
      expect(maxAbs(summed.map((v, i) => v - full[i]!))).toBeLessThan(1e-4 * maxAbs(full));
      // Shards that kept their own batch statistics and pairs (no exchange) would sum to something else.
      const unsynced = [0, 4].map((from) => {
        const alone = replica();
        const { grads } = alone.gradients(rows, from, 4, BATCH, 1, null);
        const values = flat(grads.map((g) => g.dataSync() as Float32Array));
        alone.dispose();
        return values;
      });
      const unsyncedSum = unsynced[0]!.map((v, i) => v + unsynced[1]![i]!);
      expect(maxAbs(unsyncedSum.map((v, i) => v - full[i]!))).toBeGreaterThan(0.01 * maxAbs(full));
      // The replicas stayed identical (BN running statistics included), so the next step agrees too, up to Adam's
      // amplification of float noise in near-zero gradients.
      const next = stepper.step(rows, 2).pose;
      const alone = localStepper(single.replica).step(rows, 2).pose;
      expect(Math.abs(next - alone)).toBeLessThan(1e-4 * alone);
    } finally {
      await stepper.close();
      coordinator.replica.dispose();
      single.replica.dispose();
    }
  }, 60_000);

  describe('through the learner', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'poseloop-dp-heatmap-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('the same seed and worker count give bitwise the same weights, fine-tuning included', async () => {
      const learner = createHeatmapLearner();
      const run = (name: string, workers: number, initialCheckpoint?: string) =>
        learner.train({
          config: TINY,
          train,
          val: noiseCrops(8, 2),
          seed: 3,
          backend,
          workers,
          checkpointDir: dir,
          checkpointName: name,
          ...(initialCheckpoint === undefined ? {} : { initialCheckpoint }),
        });
      const weights = (outcome: { checkpointPath: string }) =>
        readFile(join(outcome.checkpointPath, 'weights.bin'));
      const a = await run('a', 2);
      const b = await run('b', 2);
      expect(a.metrics.workers).toBe(2);
      expect((await weights(a)).equals(await weights(b))).toBe(true);
      const one = await run('one', 1);
      expect(one.metrics.workers).toBe(1);
      const tunedOne = await run('tuned-one', 1, one.checkpointPath);
      const tunedTwo = await run('tuned-two', 2, one.checkpointPath);
      // Both start from the checkpoint (its BN running statistics included), so their first check agrees exactly.
      expect(tunedTwo.metrics.startValLoss).toBe(tunedOne.metrics.startValLoss);
      expect(tunedTwo.metrics.finalLoss).toBeCloseTo(tunedOne.metrics.finalLoss, 0);
    }, 240_000);
  });
});
