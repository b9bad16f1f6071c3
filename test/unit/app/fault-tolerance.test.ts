import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import type { App } from '../../../src/main/app';
import { checkAnnotation } from '../../../src/main/app/annotation-rules';
import { ensureCropCache, loadDepth } from '../../../src/main/datasets/node';
import { tempDir } from '../../helpers/tmp';
import { testApp } from '../../helpers/app';

const lead = { annotator: 'lead' };
const joint = (u: number | null, v: number | null, d: number | null = 500): Joint => ({
  u,
  v,
  d,
  visibility: 'visible',
  state: 'moved',
});

describe('bad data never breaks the project (issue 15)', () => {
  const tmp = tempDir();
  const synth = join(tmp.dir, 'synth');
  const project = join(tmp.dir, 'p');
  let app: App;
  let sampleIds: number[];

  beforeAll(async () => {
    app = testApp(tmp.dir);
    await app.call('synth.generate', { out: synth, frames: 6, seed: 3 }, lead);
    // One truncated PNG among good ones: the import names it and skips it.
    const broken = join(synth, 'Depth', 'train', 'image_00002.png');
    writeFileSync(broken, readFileSync(broken).subarray(0, 200));
    await app.call('project.init', { dir: project }, lead);
    const summary = await app.call(
      'dataset.import',
      { project, format: 'generic', root: synth, split: 'pool' },
      lead,
    );
    expect(summary.imported).toBe(5);
    expect(summary.skipped).toBe(1);
    expect(summary.skippedByReason['unreadable-image']).toBe(1);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        file: 'poseloop-synth.json',
        message: expect.stringMatching(/^Depth\/train\/image_00002\.png: cannot decode the image \(/),
      }),
    ]);
    sampleIds = (await app.call('samples.list', { project }, lead)).items.map((s) => s.id);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('every imported image decodes, and info shows the import complete with its counts', async () => {
    for (const sampleId of sampleIds) await app.call('sample.image', { project, sampleId }, lead);
    const info = await app.call('project.info', { project }, lead);
    expect(info.datasets[0]!.import).toEqual({
      state: 'complete',
      imported: 5,
      duplicates: 0,
      skipped: 1,
      error: null,
    });
  });

  it('shows an import whose process stopped writing as interrupted; re-running it completes it', async () => {
    const { store } = app.deps.projects.get(project);
    const id = store.listDatasets()[0]!.id;
    store.setImportState(id, 'running', { imported: 2, duplicates: 0, skipped: 0 });
    store.db
      .prepare('UPDATE datasets SET import_updated_at = ? WHERE id = ?')
      .run('2000-01-01T00:00:00.000Z', id);
    expect((await app.call('project.info', { project }, lead)).datasets[0]!.import.state).toBe('interrupted');
    const again = await app.call(
      'dataset.import',
      { project, format: 'generic', root: synth, split: 'pool' },
      lead,
    );
    expect(again).toMatchObject({ imported: 0, duplicates: 5 });
    expect((await app.call('project.info', { project }, lead)).datasets[0]!.import.state).toBe('complete');
  });

  it('refuses saves that do not fit the sample, naming the field', async () => {
    const sampleId = sampleIds[0]!;
    const good = Array.from({ length: 21 }, (_, i) => joint(10 + i, 20 + i));
    const save = (joints: Joint[], secondsSpent = 1) =>
      app.call(
        'annotation.save',
        { project, sampleId, joints, baseRevision: 0, status: 'done', secondsSpent },
        lead,
      );
    const field = async (promise: Promise<unknown>) => {
      const error = (await promise.then(
        () => null,
        (e: unknown) => e,
      )) as { code: string; field: string } | null;
      return error && `${error.code}:${error.field}`;
    };
    expect(await field(save(Array.from({ length: 5000 }, () => joint(1, 1))))).toBe('invalid_input:joints');
    expect(await field(save(good.slice(0, 1)))).toBe('invalid_input:joints');
    expect(await field(save([joint(-1e9, 5), ...good.slice(1)]))).toBe('invalid_input:joints.0.u');
    expect(await field(save([...good.slice(0, 3), joint(5, 5, 1e9), ...good.slice(4)]))).toBe(
      'invalid_input:joints.3.d',
    );
    expect(await field(save(good, 1e308))).toBe('invalid_input:secondsSpent');
    expect(app.deps.projects.get(project).store.annotations.get(sampleId)).toBeNull();
    expect(await save(good)).toMatchObject({ revision: 1, status: 'done' });
  });

  it('checks joints against the image with a margin (exact limits)', () => {
    const sample = { width: 320, height: 240 };
    const ok = [joint(-160, -120), joint(480, 360, 0), joint(null, null, null)];
    expect(() => checkAnnotation(sample, 3, ok, 86_400)).not.toThrow();
    expect(() => checkAnnotation(sample, 3, [joint(-160.5, 0), ...ok.slice(1)], 0)).toThrow(/joints\.0\.u/);
    expect(() => checkAnnotation(sample, 3, [joint(0, 360.5), ...ok.slice(1)], 0)).toThrow(/joints\.0\.v/);
    expect(() => checkAnnotation(sample, 3, [joint(0, 0, -1), ...ok.slice(1)], 0)).toThrow(/joints\.0\.d/);
    expect(() => checkAnnotation(sample, 3, [joint(0, null), ...ok.slice(1)], 0)).toThrow(/joints\.0:/);
    expect(() => checkAnnotation(sample, 3, ok, 86_401)).toThrow(/secondsSpent/);
  });

  it('keeps the queue of a finished round reachable while a later round trains, fails or ships its own', async () => {
    const seed = await app.call('seed.select', { project, size: 3, method: 'random' }, lead);
    const { store } = app.deps.projects.get(project);
    // Another process is training round 2 (its lease is fresh): Next and Done still work on round 1.
    const training = store.rounds.create({
      sampler: 'random',
      budget: 1,
      config: {},
      labelledSampleIds: [],
      owner: 'elsewhere',
    });
    store.rounds.setStage(training.id, 'training');
    const first = await app.call('queue.next', { project }, { annotator: 'ann' });
    expect(first).toMatchObject({ roundId: seed.id, roundNumber: seed.number, status: 'in_progress' });
    const done = await app.call(
      'queue.set',
      { project, sampleId: first!.sampleId, status: 'done' },
      { annotator: 'ann' },
    );
    expect(done.status).toBe('done');
    expect((await app.call('queue.list', { project }, lead)).items.map((i) => i.roundNumber)).toEqual([
      1, 1, 1,
    ]);
    // Round 2 fails: round 1's queue is still the newest one.
    store.rounds.abandon(training.id, 'failed', 'boom');
    expect((await app.call('queue.list', { project }, lead)).total).toBe(3);
    // Round 3 ranks one image: Next hands it out first, then round 1's unfinished items, listed with their round.
    const third = store.rounds.create({
      sampler: 'random',
      budget: 1,
      config: {},
      labelledSampleIds: [],
      owner: 'x',
    });
    const untouched = sampleIds.find((id) => !store.queue.item(seed.id, id))!;
    store.queue.putRanking(third.id, [{ sampleId: untouched, score: 1, reason: {} }]);
    store.rounds.setStage(third.id, 'done');
    const handed = [];
    for (let i = 0; i < 3; i++)
      handed.push(await app.call('queue.next', { project }, { annotator: `a${i}` }));
    expect(handed.map((item) => item?.roundNumber)).toEqual([3, 1, 1]);
    expect(await app.call('queue.next', { project }, { annotator: 'a4' })).toBeNull();
  });

  it('a file broken after import: sample.image names it (400), and crops skip it with a warning', async () => {
    const { store } = app.deps.projects.get(project);
    const sample = store.getSample(sampleIds[1]!)!;
    const file = join(synth, sample.imagePath);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, 300));
    try {
      await expect(app.call('sample.image', { project, sampleId: sample.id }, lead)).rejects.toMatchObject({
        code: 'invalid_input',
        field: sample.imagePath,
        message: expect.stringMatching(/cannot decode the image/),
      });
      const warnings: string[] = [];
      const intrinsics = { fx: 241.42, fy: 241.42, cx: 160, cy: 120, width: 320, height: 240 };
      const cache = await ensureCropCache(
        join(tmp.dir, 'crops.bin'),
        { cubeMm: 300, inputSize: 32, detector: {} },
        sampleIds.slice(0, 3).map((id) => ({
          sampleId: id,
          intrinsics,
          load: () => loadDepth(synth, store.getSample(id)!),
        })),
        (id, message) => warnings.push(`${id} ${message}`),
      );
      expect(cache.frame(sample.id)).toBeNull();
      expect(cache.frame(sampleIds[0]!)).not.toBeNull();
      expect(warnings).toEqual([
        expect.stringMatching(new RegExp(`^${sample.id} .*cannot decode the image`)),
      ]);
      await cache.close();
    } finally {
      writeFileSync(file, bytes);
    }
  });

  it('recovers a round by its lease, not by a PID that may have been reused', async () => {
    const { store } = app.deps.projects.get(project);
    const fresh = store.rounds.create({
      sampler: 'random',
      budget: 1,
      config: {},
      labelledSampleIds: [],
      owner: 'other-process',
    });
    store.rounds.setStage(fresh.id, 'training');
    const info = () => app.call('project.info', { project }, lead);
    expect((await info()).rounds.find((r) => r.id === fresh.id)!.status).toBe('training');
    // Its owner stops renewing the lease: the round is closed and a new one may start.
    store.db
      .prepare('UPDATE rounds SET heartbeat_at = ? WHERE id = ?')
      .run('2000-01-01T00:00:00.000Z', fresh.id);
    expect((await info()).rounds.find((r) => r.id === fresh.id)!.status).toBe('failed');
    // A round of an older version names only a PID, here one that is alive (ours): it has no lease, so it is closed.
    const legacy = store.rounds.create({
      sampler: 'random',
      budget: 1,
      config: { owner: { pid: process.pid } },
      labelledSampleIds: [],
      owner: 'x',
    });
    store.db.prepare('UPDATE rounds SET owner = NULL, heartbeat_at = NULL WHERE id = ?').run(legacy.id);
    expect((await info()).rounds.find((r) => r.id === legacy.id)!.status).toBe('failed');
  });
});

describe('imports and synth that fail leave nothing half-done', () => {
  const tmp = tempDir();
  let app: App;
  beforeAll(() => {
    app = testApp(tmp.dir);
  });
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('a failed import leaves no empty dataset row and does not switch the skeleton', async () => {
    const project = join(tmp.dir, 'empty');
    await app.call('project.init', { dir: project }, lead);
    const photos = join(tmp.dir, 'photos');
    mkdirSync(photos);
    await app.call('synth.generate', { out: join(tmp.dir, 's'), frames: 2 }, lead);
    for (const name of ['a.png', 'b.png'])
      writeFileSync(
        join(photos, name),
        readFileSync(join(tmp.dir, 's', 'Depth', 'train', 'image_00000.png')).subarray(0, 100),
      );
    await expect(
      app.call('dataset.import', { project, format: 'rgb-folder', root: photos }, lead),
    ).rejects.toThrow(/nothing imported.*a\.png: cannot decode/);
    const info = await app.call('project.info', { project }, lead);
    expect(info.datasets).toEqual([]);
    expect(info.skeleton).toBe('hand21');
  });

  it('reads a camera for unlabelled folders from --camera, and says which options exist without one', async () => {
    const project = join(tmp.dir, 'unl');
    await app.call('project.init', { dir: project }, lead);
    const root = join(tmp.dir, 's', 'Depth');
    await expect(app.call('dataset.import', { project, format: 'unlabelled', root }, lead)).rejects.toThrow(
      /--camera icvl\|nyu\|bighand\|msra or --intrinsics/,
    );
    const imported = await app.call(
      'dataset.import',
      { project, format: 'unlabelled', root, camera: 'icvl' },
      lead,
    );
    expect(imported.imported).toBe(2);
    const custom = await app.call(
      'dataset.import',
      { project, format: 'unlabelled', root, intrinsics: '240,240,160,120,320,240', name: 'again' },
      lead,
    );
    expect(custom.duplicates).toBe(2);
  });

  it('refuses a 0-byte project.sqlite instead of silently making a new empty project', async () => {
    const project = join(tmp.dir, 'zero');
    mkdirSync(project);
    writeFileSync(join(project, 'project.sqlite'), '');
    await expect(app.call('project.info', { project }, lead)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/is empty \(0 bytes\)/),
    });
  });

  it('an rgb-folder root that cannot be walked (/proc) is bad input, not a crash', async () => {
    const project = join(tmp.dir, 'proc');
    await app.call('project.init', { dir: project, skeleton: 'mpii16' }, lead);
    await expect(
      app.call('dataset.import', { project, format: 'rgb-folder', root: '/proc' }, lead),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'root',
    });
  });

  it('synth that fails midway removes what it wrote: no images without labels', async () => {
    const out = join(tmp.dir, 'half');
    mkdirSync(join(out, 'train.txt'), { recursive: true }); // the label file cannot be written
    await expect(app.call('synth.generate', { out, frames: 3 }, lead)).rejects.toThrow();
    expect(readdirSync(join(out, 'Depth', 'train'))).toEqual([]);
    expect(existsSync(join(out, 'poseloop-synth.json'))).toBe(false);
  });
});
