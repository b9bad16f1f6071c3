import { describe, expect, it } from 'vitest';
import { demoSuite } from '../../helpers/app';

const lead = { annotator: 'lead' };

describe('seed set', () => {
  const suite = demoSuite({ timeout: 120_000 });
  const { project } = suite;

  it('queues a CoreSet seed set on image features, then hand-marked images after it', async () => {
    const pool = new Set(
      (await suite.app.call('samples.list', { project, split: 'pool', limit: 1000 }, lead)).items.map(
        (s) => s.id,
      ),
    );
    const seed = await suite.app.call('seed.select', { project, size: 6, method: 'coreset' }, lead);
    expect(seed).toMatchObject({ sampler: 'seed-coreset', status: 'done', queued: 6 });
    const queue = await suite.app.call('queue.list', { project }, lead);
    expect(queue.items.every((i) => pool.has(i.sampleId))).toBe(true);
    expect(new Set(queue.items.map((i) => i.sampleId)).size).toBe(6);
    // k-center greedy: each pick is no closer to the chosen set than the next one.
    const distances = queue.items.map((i) => i.score);
    expect([...distances].sort((a, b) => b - a)).toEqual(distances);
    expect(queue.items[0]!.reason).toMatch(/Covers the pool/);

    const extra = [...pool].find((id) => !queue.items.some((i) => i.sampleId === id))!;
    const added = await suite.app.call(
      'queue.add',
      { project, sampleIds: [extra, queue.items[0]!.sampleId] },
      lead,
    );
    expect(added).toEqual({ added: 1, queued: 7 });
    const last = (await suite.app.call('queue.list', { project, after: 6 }, lead)).items;
    expect(last).toMatchObject([{ sampleId: extra, rank: 7, reason: 'Marked by hand.' }]);
  });

  it('draws a random seed set reproducibly', async () => {
    const a = await suite.app.call('seed.select', { project, size: 4, method: 'random', seed: 5 }, lead);
    const first = (await suite.app.call('queue.list', { project, roundId: a.id }, lead)).items.map(
      (i) => i.sampleId,
    );
    const b = await suite.app.call('seed.select', { project, size: 4, method: 'random', seed: 5 }, lead);
    const second = (await suite.app.call('queue.list', { project, roundId: b.id }, lead)).items.map(
      (i) => i.sampleId,
    );
    expect(second).toEqual(first);
  });
});
