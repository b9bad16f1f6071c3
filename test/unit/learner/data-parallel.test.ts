import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDepthLearner,
  DEFAULT_DEPTH_AUGMENTATION,
  selectBackend,
  validateModelConfig,
} from '../../../src/main/learner';
import { DeepPriorReplica } from '../../../src/main/learner/models/deepprior/replica';
import { validateAuxConfig } from '../../../src/main/learner/models/vl4pose-aux/validate';
import { startDataParallel } from '../../../src/main/learner/node/data-parallel';
import { sharedCopy, sumSlots } from '../../../src/main/learner/node/shared-gradients';
import { localStepper, shardOf } from '../../../src/main/learner/replica';
import { flat, maxAbs, recording } from './replicas';
import { blobCrops, TINY } from './synthetic';

// The wasm backend, as in the other learner tests; helper threads start the same one.
const backend = 'wasm' as const;
const SIDE = 24;
const data = blobCrops(40, SIDE, 3, 7);
const BATCH = 10;
const rows = Int32Array.from([3, 17, 8, 25, 0, 39, 12, 30, 21, 6]);

function replicaSpec() {
  const config = validateModelConfig({ ...TINY, outputs: 9, variant: 'C' }, backend);
  const aux = validateAuxConfig({ parents: [-1, 0, 1] });
  return { config, aux, seed: 5, x: sharedCopy(data.x), y: sharedCopy(data.y), augmentation: null };
}

beforeAll(async () => {
  await selectBackend(backend);
});

describe('data-parallel training', () => {
  it('splits a batch into contiguous shards whose sizes differ by at most one', () => {
    expect([0, 1, 2].map((w) => shardOf(10, 3, w))).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 6 },
      { from: 6, to: 10 },
    ]);
    expect(Array.from(sumSlots(Float32Array.of(1, 2, 10, 20, 100, 200), 3, 2))).toEqual([111, 222]);
  });

  it('2-worker gradients and losses equal the 1-worker full-batch ones (float tolerance)', async () => {
    const single = recording(new DeepPriorReplica(replicaSpec()));
    const singleLosses = localStepper(single.replica).step(rows, 1);
    const coordinator = recording(new DeepPriorReplica(replicaSpec()));
    const spec = replicaSpec();
    const stepper = await startDataParallel(coordinator.replica, {
      workers: 2,
      batch: BATCH,
      backend,
      model: { kind: 'deepprior', spec },
    });
    try {
      expect(stepper.workers).toBe(2);
      const losses = stepper.step(rows, 1);
      expect(losses.pose).toBeCloseTo(singleLosses.pose, 5);
      expect(losses.aux).toBeCloseTo(singleLosses.aux!, 5);
      const full = flat(single.applied[0]!);
      const summed = flat(coordinator.applied[0]!);
      expect(summed.length).toBe(full.length);
      const difference = summed.map((v, i) => v - full[i]!);
      expect(maxAbs(full)).toBeGreaterThan(1e-3);
      expect(maxAbs(difference)).toBeLessThan(1e-5 * maxAbs(full));
      // One shard alone is far from the full batch: the helper's half really was added.
      const firstHalf = new DeepPriorReplica(replicaSpec());
      const half = flat(
        firstHalf.gradients(rows, 0, 5, BATCH, 1).grads.map((g) => g.dataSync() as Float32Array),
      );
      firstHalf.dispose();
      expect(maxAbs(half.map((v, i) => v - full[i]!))).toBeGreaterThan(0.05 * maxAbs(full));
      // The next step starts from identical replicas: its losses still agree.
      const next = stepper.step(rows, 2);
      expect(next.pose).toBeCloseTo(localStepper(single.replica).step(rows, 2).pose, 4);
    } finally {
      await stepper.close();
      coordinator.replica.dispose();
      single.replica.dispose();
    }
  });

  describe('through the learner', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'poseloop-dp-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('the same seed and worker count give bitwise the same weights; fine-tuning starts every replica from the checkpoint', async () => {
      const learner = createDepthLearner();
      const run = (name: string, workers: number, initialCheckpoint?: string) =>
        learner.train({
          config: { ...TINY, epochs: 2 },
          aux: { parents: [-1, 0, 1] },
          train: data,
          val: blobCrops(8, SIDE, 3, 9),
          augmentation: DEFAULT_DEPTH_AUGMENTATION,
          seed: 3,
          backend,
          workers,
          checkpointDir: dir,
          checkpointName: name,
          ...(initialCheckpoint === undefined ? {} : { initialCheckpoint }),
        });
      const a = await run('a', 2);
      const b = await run('b', 2);
      const one = await run('one', 1);
      expect(a.metrics.workers).toBe(2);
      expect(one.metrics.workers).toBe(1);
      const weights = (outcome: { checkpointPath: string }) =>
        readFile(join(outcome.checkpointPath, 'weights.bin'));
      expect((await weights(a)).equals(await weights(b))).toBe(true);
      // Same data, seed and augmentation on one worker: the same training up to float rounding.
      expect(a.metrics.finalLoss).toBeCloseTo(one.metrics.finalLoss, 5);
      // Fine-tuning a trained model: a helper that started from fresh weights would send far-off gradients.
      const tunedOne = await run('tuned-one', 1, one.checkpointPath);
      const tunedTwo = await run('tuned-two', 2, one.checkpointPath);
      expect(tunedTwo.metrics.startValMse).toBe(tunedOne.metrics.startValMse);
      expect(tunedTwo.metrics.finalLoss).toBeCloseTo(tunedOne.metrics.finalLoss, 5);
      expect(tunedTwo.metrics.finalLoss).not.toBeCloseTo(a.metrics.finalLoss, 3);
    }, 120_000);
  });
});
