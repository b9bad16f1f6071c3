import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSuite } from '../../helpers/app';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/real');
const user = (annotator: string) => ({ annotator });

describe('the active-learning loop through the app layer', () => {
  const suite = demoSuite({ timeout: 120_000 });
  const { project } = suite;

  it('builds the demo: a labelled seed set, a pool with hidden labels, a test split', async () => {
    const info = await suite.app.call('project.info', { project }, user('lead'));
    expect(info.samples.labelled).toBeGreaterThan(15);
    expect(info.samples.unlabelled).toBeGreaterThan(40);
    expect(info.samples.test).toBeGreaterThan(15);
    expect(info.samples.total).toBe(info.samples.labelled + info.samples.unlabelled + info.samples.test);
    const pool = await suite.app.call('samples.list', { project, split: 'pool', limit: 1 }, user('lead'));
    const hidden = await suite.app.call('sample.get', { project, sampleId: pool.items[0]!.id }, user('lead'));
    expect(hidden.annotation).toBeNull();
    const image = await suite.app.call(
      'sample.image',
      { project, sampleId: pool.items[0]!.id },
      user('lead'),
    );
    expect(image.meta).toEqual({ width: 320, height: 240, modality: 'depth', encoding: 'depth16le' });
    expect(image.bytes.byteLength).toBe(320 * 240 * 2);
  });

  it('re-importing the same folder adds nothing', async () => {
    const summary = await suite.app.call(
      'dataset.import',
      { project, format: 'generic', root: join(project, 'demo-data', 'test'), split: 'test' },
      user('lead'),
    );
    expect(summary.imported).toBe(0);
    expect(summary.duplicates).toBeGreaterThan(0);
  });

  it('reports bad label lines with file and line and imports the rest', async () => {
    const root = join(suite.dir, 'bad-icvl');
    mkdirSync(join(root, 'Depth', '201403121135'), { recursive: true });
    const good = (await suite.app.call('samples.list', { project, limit: 1 }, user('lead'))).items[0]!;
    const png = await suite.app.call('sample.image', { project, sampleId: good.id }, user('lead'));
    const { encodeDepthPng } = await import('../../../src/main/datasets');
    writeFileSync(
      join(root, 'Depth', '201403121135', 'image_0000.png'),
      encodeDepthPng({ width: 320, height: 240, depth: new Uint16Array(png.bytes.buffer.slice(0)) }),
    );
    const joints = Array.from({ length: 16 }, (_, j) => `${100 + j} ${100 + j} 400`).join(' ');
    const seq = '201403121135';
    writeFileSync(
      join(root, 'labels.txt'),
      `${seq}/image_0000.png ${joints} \r\r\n${seq}/image_0001.png ${joints} \r\r\n${seq}/image_0002.png 1 2 three\r\r\n`,
    );
    const summary = await suite.app
      .call(
        'dataset.import',
        { project: join(suite.dir, 'icvl-project'), format: 'icvl', root },
        user('lead'),
      )
      .catch(async (e: Error) => {
        // The project does not exist yet: create it, then import.
        expect(e.message).toMatch(/not a PoseLoop project/);
        await suite.app.call('project.init', { dir: join(suite.dir, 'icvl-project') }, user('lead'));
        return suite.app.call(
          'dataset.import',
          { project: join(suite.dir, 'icvl-project'), format: 'icvl', root },
          user('lead'),
        );
      });
    expect(summary.imported).toBe(1);
    expect(summary.errors.map((e) => [e.file, e.line])).toEqual([
      ['labels.txt', 2],
      ['labels.txt', 3],
    ]);
    const info = await suite.app.call(
      'project.info',
      { project: join(suite.dir, 'icvl-project') },
      user('lead'),
    );
    expect(info.skeleton).toBe('icvl16');
  });

  it('refuses an import that finds nothing, naming the problem', async () => {
    await suite.app.call('project.init', { dir: join(suite.dir, 'empty') }, user('lead'));
    await expect(
      suite.app.call(
        'dataset.import',
        { project: join(suite.dir, 'empty'), format: 'icvl', root: join(FIXTURES, 'icvl') },
        user('lead'),
      ),
    ).rejects.toThrow(/nothing imported .*image file not found/);
  });

  it('runs a round: trains, ranks the pool with reasons, and hands out the queue without double assignment', async () => {
    const round = await suite.app.call(
      'round.run',
      { project, sampler: 'uncertainty', budget: 5, mc: 3, preset: 'fast', seed: 2 },
      user('lead'),
    );
    expect(round).toMatchObject({ number: 1, status: 'done', queued: 5 });
    expect(round.metrics.testErrorMm).toBeGreaterThan(0);
    const queue = await suite.app.call('queue.list', { project }, user('lead'));
    expect(queue.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(queue.items[0]!.reason).toMatch(/uncertain|std/i);
    const scores = queue.items.map((i) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const a = await suite.app.call('queue.next', { project }, user('ann-a'));
    const b = await suite.app.call('queue.next', { project }, user('ann-b'));
    expect(a!.sampleId).not.toBe(b!.sampleId);
    expect((await suite.app.call('queue.next', { project }, user('ann-a')))!.sampleId).toBe(a!.sampleId);
    const prediction = await suite.app.call(
      'prediction.get',
      { project, sampleId: a!.sampleId },
      user('ann-a'),
    );
    expect(prediction!.joints).toHaveLength(21);
    expect(
      prediction!.joints.every(
        (j) => j.stdPx !== null && j.stdPx > 0 && j.u !== null && j.u > 0 && j.d > 100,
      ),
    ).toBe(true);
    const info = await suite.app.call('project.info', { project }, user('lead'));
    expect(info.rounds).toHaveLength(1);
  }, 180_000);

  it('reports the suggestions’ quality on the validation split and stores calibrated σ', async () => {
    const round = (await suite.app.call('round.get', { project }, user('lead')))!;
    const { metrics } = round;
    expect(metrics.valMedianErrorMm).toBeGreaterThan(0);
    expect(metrics.valMedianErrorPx).toBeGreaterThan(0);
    expect(metrics.valWithin10Px).toBeGreaterThanOrEqual(0);
    expect(metrics.sigmaScale).toBeGreaterThan(0);
    expect(round.suggestions).toEqual({
      medianErrorMm: metrics.valMedianErrorMm,
      medianErrorPx: metrics.valMedianErrorPx,
      within10Px: metrics.valWithin10Px,
    });
    const info = await suite.app.call('project.info', { project }, user('lead'));
    expect(info.rounds[0]!.suggestions).toEqual(round.suggestions);

    // The checkpoint keeps the fitted scales; the stored σ are the model's σ times them. Doubling the scale and
    // predicting again with the same seed doubles every stored σ.
    const { store } = suite.app.deps.projects.get(project);
    const checkpoint = store.checkpoints.latest()!;
    expect(checkpoint.metrics).toMatchObject({ sigmaScale: metrics.sigmaScale });
    expect(checkpoint.metrics['aleatoricScale']).toBeGreaterThan(0);
    const predict = () =>
      suite.app.call('model.predict', { project, split: 'test', mc: 3, seed: 2 }, user('lead'));
    const before = await predict();
    store.checkpoints.setMetrics(checkpoint.id, {
      ...checkpoint.metrics,
      sigmaScale: 2 * (metrics.sigmaScale as number),
    });
    const after = await predict();
    expect(before.meanStdPx).toBeGreaterThan(0);
    expect(after.meanStdPx / before.meanStdPx).toBeCloseTo(2, 4);
    expect(after.meanStdMm / before.meanStdMm).toBeCloseTo(2, 4);
    store.checkpoints.setMetrics(checkpoint.id, checkpoint.metrics);
  }, 120_000);

  it('trains on from the latest compatible model and records where it started; --from-scratch starts fresh', async () => {
    const { store } = suite.app.deps.projects.get(project);
    const latest = store.checkpoints.latest()!;
    const from = { id: latest.id, path: latest.path };
    const tuned = await suite.app.call(
      'model.train',
      { project, preset: 'fast', epochs: 1, seed: 2 },
      user('lead'),
    );
    expect(tuned).toMatchObject({ initialCheckpoint: from, epochs: 1, epochsRun: 1, stoppedEarly: false });
    expect(store.checkpoints.get(tuned.checkpointId)!.config.initialCheckpoint).toEqual(from);
    expect(store.checkpoints.get(tuned.checkpointId)!.metrics.epochsRun).toBe(1);
    const fresh = await suite.app.call(
      'model.train',
      { project, preset: 'fast', epochs: 1, fromScratch: true },
      user('lead'),
    );
    expect(fresh.initialCheckpoint).toBeNull();
    // Another variant is another network: the latest model cannot start it, so it trains fresh.
    const other = await suite.app.call(
      'model.train',
      { project, preset: 'fast', variant: 'B', epochs: 1 },
      user('lead'),
    );
    expect(other.initialCheckpoint).toBeNull();
    expect(store.checkpoints.get(other.checkpointId)!.config.initialCheckpoint).toBeNull();
  }, 180_000);

  it('closes a round whose process died, leaving no half-written queue', async () => {
    const { store } = suite.app.deps.projects.get(project);
    const round = store.rounds.create({
      sampler: 'random',
      budget: 3,
      config: {},
      labelledSampleIds: store.sampleIds('train'),
      owner: 'a process that died',
    });
    // Its lease lapsed: no heartbeat for longer than LEASE_SECONDS.
    store.db
      .prepare('UPDATE rounds SET heartbeat_at = ? WHERE id = ?')
      .run('2000-01-01T00:00:00.000Z', round.id);
    store.rounds.setStage(round.id, 'ranking');
    store.queue.putRanking(round.id, [
      { sampleId: store.sampleIds('pool')[0]!, score: 1, reason: { sentence: 'x' } },
    ]);
    const info = await suite.app.call('project.info', { project }, user('lead'));
    const recovered = info.rounds.find((r) => r.id === round.id)!;
    expect(recovered.status).toBe('failed');
    expect(store.queue.count(round.id)).toBe(0);
  });
});
