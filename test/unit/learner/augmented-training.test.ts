import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDepthLearner, DEFAULT_DEPTH_AUGMENTATION, loadCheckpoint } from '../../../src/main/learner';
import { blobCrops, TINY } from './synthetic';

const train = blobCrops(64, 24, 3, 1);
const learner = createDepthLearner();
let dir: string;

const run = async (name: string, augmented: boolean) => {
  const outcome = await learner.train({
    config: { ...TINY, epochs: 2 },
    train,
    seed: 9,
    backend: 'wasm',
    checkpointDir: dir,
    checkpointName: name,
    ...(augmented ? { augmentation: DEFAULT_DEPTH_AUGMENTATION, cropCentring: 'refined' as const } : {}),
  });
  return loadCheckpoint(outcome.checkpointPath);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poseloop-augment-'));
});

afterAll(async () => {
  learner.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('augmented depth training in a worker', () => {
  it('gives the same weights for the same seed, other weights than without augmentation, and records both settings', async () => {
    const first = await run('a', true);
    const again = await run('b', true);
    const plain = await run('c', false);
    const values = (c: typeof first) => [...c.weights.values()].flatMap((w) => Array.from(w.values));
    expect(values(again)).toEqual(values(first));
    expect(values(plain)).not.toEqual(values(first));
    expect(first.meta).toMatchObject({ augmentation: DEFAULT_DEPTH_AUGMENTATION, cropCentring: 'refined' });
    expect(plain.meta).toMatchObject({ augmentation: null, cropCentring: 'detector' });
  }, 120_000);
});
