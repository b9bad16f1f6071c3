import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { packageVersion } from '../../../src/main/app/version';
import { keypointBox } from '../../../src/main/exports';
import { HAND21 } from '../../../src/shared/skeletons';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { as, demoWithEdits, readJson, type DemoEdits } from './setup';

interface Coco {
  info: Record<string, unknown>;
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    keypoints: number[];
    num_keypoints: number;
    bbox: number[];
    area: number;
    iscrowd: number;
    keypoints_3d?: number[];
    provenance: Record<string, unknown>;
  }[];
  categories: {
    id: number;
    name: string;
    supercategory: string;
    keypoints: string[];
    skeleton: number[][];
  }[];
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('exports: COCO, filters, manifest, atomic writes', () => {
  const tmp = tempDir('poseloop-export-');
  const project = join(tmp.dir, 'demo');
  let app: App;
  let edits: DemoEdits;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    edits = await demoWithEdits(app, project);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('COCO keypoints follow the COCO field rules, keep occluded and absent flags, and carry 3D + provenance', async () => {
    const out = join(tmp.dir, 'coco.json');
    const result = await app.call('export.run', { project, format: 'coco', out }, as('x'));
    const coco = await readJson<Coco>(out);
    const K = HAND21.joints.length;
    expect(coco.categories).toHaveLength(1);
    const [category] = coco.categories;
    expect(category).toMatchObject({
      id: 1,
      name: 'hand',
      supercategory: 'hand',
      keypoints: [...HAND21.joints],
    });
    expect(category!.skeleton).toHaveLength(HAND21.edges.length);
    for (const edge of category!.skeleton) {
      expect(edge).toHaveLength(2);
      for (const index of edge) {
        expect(Number.isInteger(index)).toBe(true);
        expect(index).toBeGreaterThanOrEqual(1);
        expect(index).toBeLessThanOrEqual(K);
      }
    }
    expect(category!.skeleton[0]).toEqual([HAND21.edges[0]![0] + 1, HAND21.edges[0]![1] + 1]);

    const images = new Map(coco.images.map((image) => [image.id, image]));
    expect(images.size).toBe(coco.images.length);
    for (const image of coco.images) {
      expect(Number.isInteger(image.id)).toBe(true);
      expect(typeof image.file_name).toBe('string');
      expect(image).toMatchObject({ width: 320, height: 240 });
    }
    expect(coco.annotations).toHaveLength(result.samples);
    const ids = new Set<number>();
    for (const annotation of coco.annotations) {
      expect(ids.has(annotation.id)).toBe(false);
      ids.add(annotation.id);
      const image = images.get(annotation.image_id)!;
      expect(image).toBeDefined();
      expect(annotation.category_id).toBe(1);
      expect(annotation.iscrowd).toBe(0);
      expect(annotation.keypoints).toHaveLength(3 * K);
      expect(annotation.keypoints.every((value) => typeof value === 'number' && Number.isFinite(value))).toBe(
        true,
      );
      const flags = annotation.keypoints.filter((_, i) => i % 3 === 2);
      expect(flags.every((v) => v === 0 || v === 1 || v === 2)).toBe(true);
      expect(annotation.num_keypoints).toBe(flags.filter((v) => v > 0).length);
      flags.forEach((v, j) => {
        if (v === 0) expect(annotation.keypoints.slice(3 * j, 3 * j + 2)).toEqual([0, 0]);
      });
      const [x, y, w, h] = annotation.bbox as [number, number, number, number];
      expect(annotation.bbox).toHaveLength(4);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(w).toBeGreaterThan(0);
      expect(h).toBeGreaterThan(0);
      expect(x + w).toBeLessThanOrEqual(image.width);
      expect(y + h).toBeLessThanOrEqual(image.height);
      expect(annotation.area).toBeCloseTo(w * h, 9);
      // Every visible keypoint is inside its box.
      flags.forEach((v, j) => {
        if (v !== 2) return;
        const [u, vv] = annotation.keypoints.slice(3 * j, 3 * j + 2) as [number, number];
        expect(u >= x && u <= x + w && vv >= y && vv <= y + h).toBe(true);
      });
      expect(annotation.keypoints_3d).toHaveLength(3 * K);
    }

    const { store } = app.deps.projects.get(project);
    const corrected = coco.annotations.find((a) => a.image_id === edits.corrected)!;
    const joints = store.annotations.get(edits.corrected)!.joints;
    expect(corrected.keypoints.slice(6, 9)).toEqual([joints[2]!.u, joints[2]!.v, 1]);
    expect(corrected.keypoints.slice(15, 18)).toEqual([joints[5]!.u, joints[5]!.v, 2]);
    expect(corrected.num_keypoints).toBe(21);
    // X = (u − cx)·d / fx with the ICVL camera of the demo.
    expect(corrected.keypoints_3d![0]).toBeCloseTo(((joints[0]!.u! - 160) * joints[0]!.d!) / 241.42, 9);
    expect(corrected.keypoints_3d![2]).toBe(joints[0]!.d);
    expect(corrected.provenance).toMatchObject({
      sampleId: edits.corrected,
      annotators: ['import:generic', 'x'],
    });
    const absent = coco.annotations.find((a) => a.image_id === edits.withAbsent)!;
    expect(absent.keypoints.slice(27, 30)).toEqual([0, 0, 0]);
    expect(absent.num_keypoints).toBe(20);
    // Unfinished edits are never exported.
    expect(
      coco.annotations.some((a) => a.image_id === edits.inProgress || a.image_id === edits.reopened),
    ).toBe(false);
  });

  it('the bbox is the visible keypoints plus a margin, clipped to the image', () => {
    const joint = (u: number, v: number, visibility: 'visible' | 'occluded' = 'visible') => ({
      u,
      v,
      d: 400,
      visibility,
      state: 'accepted' as const,
    });
    expect(keypointBox([joint(100, 100), joint(200, 150), joint(300, 200, 'occluded')], 320, 240)).toEqual([
      90, 90, 120, 70,
    ]);
    expect(keypointBox([joint(1, 1), joint(3, 2)], 320, 240)).toEqual([0, 0, 7, 6]);
    expect(keypointBox([], 320, 240)).toEqual([0, 0, 0, 0]);
    expect(keypointBox([joint(5, 5)], 320, 240, [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });

  it('writes a manifest with filters, project, app version, time, count and the data file SHA-256', async () => {
    const out = join(tmp.dir, 'manifest-check.csv');
    const result = await app.call('export.run', { project, format: 'csv', out, split: 'train' }, as('x'));
    expect(result.manifest).toBe(`${out}.manifest.json`);
    expect(result.files).toEqual([out, `${out}.manifest.json`]);
    const data = await readFile(out);
    expect(result.checksum).toBe(sha256(data));
    const manifest = await readJson<Record<string, unknown>>(result.manifest);
    expect(manifest).toMatchObject({
      format: 'poseloop-export',
      exportFormat: 'csv',
      appVersion: packageVersion(),
      project: { name: 'demo', path: project, skeleton: 'hand21' },
      filters: { split: 'train', status: 'labelled' },
      samples: result.samples,
      checksum: { algorithm: 'sha256', value: result.checksum },
      files: [{ path: 'manifest-check.csv', bytes: data.byteLength, sha256: result.checksum }],
    });
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(Date.parse(manifest.createdAt as string)).toBeGreaterThan(Date.now() - 60_000);
    const csv = data.toString('utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^sample_id,dataset_id,image,/);
    expect(csv).toHaveLength(1 + 21 * result.samples);
  });

  it('a folder manifest lists every file with its SHA-256; the checksum is over the sorted listing', async () => {
    const out = join(tmp.dir, 'generic-manifest');
    const result = await app.call('export.run', { project, format: 'generic', out, split: 'test' }, as('x'));
    const manifest = await readJson<{ files: { path: string; bytes: number; sha256: string }[] }>(
      result.manifest,
    );
    expect(manifest.files).toHaveLength(1 + result.images);
    for (const file of manifest.files) expect(sha256(await readFile(join(out, file.path)))).toBe(file.sha256);
    const listing = [...manifest.files]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((f) => `${f.sha256}  ${f.path}\n`)
      .join('');
    expect(result.checksum).toBe(sha256(listing));
  });

  describe('filters', () => {
    const ids = async (filters: Record<string, unknown>) => {
      const out = join(tmp.dir, `f-${Math.random().toString(36).slice(2)}.json`);
      await app.call('export.run', { project, format: 'json3d', out, ...filters }, as('x'));
      return (await readJson<{ samples: { id: number; split: string; joints: unknown }[] }>(out)).samples;
    };

    it('split and status', async () => {
      const { store } = app.deps.projects.get(project);
      const test = await ids({ split: 'test' });
      expect(test.map((s) => s.id)).toEqual(store.sampleIds('test'));
      const labelled = await ids({});
      const counts = store.counts();
      // The labelled set (train) plus the labelled test split; the reopened sample left the labelled set.
      expect(labelled).toHaveLength(counts.labelled + counts.test);
      const all = await ids({ status: 'all' });
      expect(all).toHaveLength(counts.total);
      const reopened = all.find((s) => s.id === edits.reopened)! as unknown as {
        joints: { uvd: number[] }[];
        provenance: { exportedState: string; status: string };
      };
      // Reopened in progress: exported as its last done state, never the unfinished edit.
      expect(reopened.provenance).toMatchObject({ exportedState: 'last-done', status: 'in_progress' });
      const original = store.annotations.history(edits.reopened);
      expect(original).toHaveLength(2);
      const inProgress = all.find((s) => s.id === edits.inProgress)!;
      expect(inProgress.joints).toBeNull();
    });

    it('annotator, dataset and date range', async () => {
      const byX = await ids({ annotator: 'x' });
      expect(byX.map((s) => s.id).sort((a, b) => a - b)).toEqual(
        [edits.corrected, edits.withAbsent].sort((a, b) => a - b),
      );
      const byY = await ids({ annotator: 'y', status: 'all' });
      expect(byY.map((s) => s.id).sort((a, b) => a - b)).toEqual(
        [edits.inProgress, edits.reopened].sort((a, b) => a - b),
      );
      const info = await app.call('project.info', { project }, as('x'));
      const testSet = info.datasets.find((d) => d.name === 'demo test')!;
      expect(await ids({ datasetId: testSet.id })).toHaveLength(testSet.samples);
      const today = new Date().toISOString().slice(0, 10);
      expect((await ids({ annotator: 'x', updatedFrom: today, updatedTo: today })).length).toBe(2);
      await expect(
        app.call(
          'export.run',
          { project, format: 'coco', out: join(tmp.dir, 'none.json'), updatedFrom: '2999-01-01' },
          as('x'),
        ),
      ).rejects.toMatchObject({ code: 'invalid_input', field: 'filters' });
      await expect(
        app.call(
          'export.run',
          { project, format: 'coco', out: join(tmp.dir, 'none.json'), updatedTo: 'yesterday' },
          as('x'),
        ),
      ).rejects.toMatchObject({ code: 'invalid_input', field: 'updatedTo' });
      await expect(stat(join(tmp.dir, 'none.json'))).rejects.toThrow();
    });

    it('preview counts what the export would take, by split, status, round and annotator', async () => {
      const { store } = app.deps.projects.get(project);
      const counts = store.counts();
      const preview = await app.call('export.preview', { project }, as('x'));
      expect(preview.samples).toBe(counts.labelled + counts.test);
      expect(preview.bySplit).toEqual({ test: counts.test, train: counts.labelled });
      expect(preview.byStatus).toEqual({ done: preview.samples });
      expect(preview.byRound).toEqual([
        { roundId: null, number: null, sampler: null, samples: preview.samples },
      ]);
      expect(preview.byAnnotator.find((a) => a.annotator === 'x')!.samples).toBe(2);
      const all = await app.call('export.preview', { project, status: 'all', format: 'icvl' }, as('x'));
      expect(all.samples).toBe(counts.total);
      expect(all.byStatus).toMatchObject({ in_progress: 2 });
      expect(all.exportable).toBe(0);
      const bighand = await app.call('export.preview', { project, format: 'bighand' }, as('x'));
      expect(bighand).toMatchObject({ exportable: preview.samples - 1, skipped: { 'absent-joints': 1 } });
    });
  });

  describe('atomic writes', () => {
    it('refuses an existing file unless force, naming out; force replaces it', async () => {
      const out = join(tmp.dir, 'existing.json');
      await writeFile(out, 'precious');
      await expect(app.call('export.run', { project, format: 'coco', out }, as('x'))).rejects.toMatchObject({
        code: 'conflict',
        field: 'out',
      });
      expect(await readFile(out, 'utf8')).toBe('precious');
      await expect(stat(`${out}.manifest.json`)).rejects.toThrow();
      await app.call('export.run', { project, format: 'coco', out, force: true }, as('x'));
      expect((await readJson<Coco>(out)).annotations.length).toBeGreaterThan(0);
    });

    it('refuses an existing folder unless force, and never replaces a folder that is not an export', async () => {
      const out = join(tmp.dir, 'folder-out');
      await app.call('export.run', { project, format: 'generic', out, split: 'test' }, as('x'));
      await expect(
        app.call('export.run', { project, format: 'generic', out }, as('x')),
      ).rejects.toMatchObject({
        code: 'conflict',
        field: 'out',
      });
      const replaced = await app.call(
        'export.run',
        { project, format: 'generic', out, force: true },
        as('x'),
      );
      expect((await readJson<{ samples: number }>(replaced.manifest)).samples).toBe(replaced.samples);
      const mine = join(tmp.dir, 'my-documents');
      await mkdir(mine);
      await writeFile(join(mine, 'thesis.txt'), 'do not delete');
      await expect(
        app.call('export.run', { project, format: 'generic', out: mine, force: true }, as('x')),
      ).rejects.toMatchObject({ code: 'conflict', field: 'out' });
      expect(await readFile(join(mine, 'thesis.txt'), 'utf8')).toBe('do not delete');
      await expect(
        app.call('export.run', { project, format: 'generic', out: tmp.dir, force: true }, as('x')),
      ).rejects.toMatchObject({ field: 'out' });
    });

    it('an unwritable target leaves nothing behind', async () => {
      const blocker = join(tmp.dir, 'blocker');
      await writeFile(blocker, 'a file, not a folder');
      for (const format of ['coco', 'generic'] as const) {
        await expect(
          app.call('export.run', { project, format, out: join(blocker, 'sub', 'out') }, as('x')),
        ).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
      }
      if (process.getuid?.() !== 0) {
        const locked = join(tmp.dir, 'locked');
        await mkdir(locked);
        await chmod(locked, 0o555);
        await expect(
          app.call('export.run', { project, format: 'csv', out: join(locked, 'x.csv') }, as('x')),
        ).rejects.toMatchObject({ field: 'out' });
        expect(await readdir(locked)).toEqual([]);
        await chmod(locked, 0o755);
      }
    });

    it('a failure mid-write (a source image gone) leaves no partial folder and no temp files', async () => {
      const parent = join(tmp.dir, 'midway');
      await mkdir(parent);
      const { store } = app.deps.projects.get(project);
      const victim = store.getSample(store.sampleIds('test').at(-1)!)!;
      const dataset = store.getDataset(victim.datasetId)!;
      const image = join(dataset.root, victim.imagePath);
      const bytes = await readFile(image);
      await rm(image);
      try {
        await expect(
          app.call(
            'export.run',
            { project, format: 'generic', out: join(parent, 'out'), split: 'test' },
            as('x'),
          ),
        ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(String(victim.id)) });
        expect(await readdir(parent)).toEqual([]);
        // The same failure with force over an earlier export keeps the earlier export whole.
        await writeFile(image, bytes);
        const first = await app.call(
          'export.run',
          { project, format: 'bighand', out: join(parent, 'bh') },
          as('x'),
        );
        await rm(image);
        await expect(
          app.call(
            'export.run',
            { project, format: 'bighand', out: join(parent, 'bh'), force: true },
            as('x'),
          ),
        ).rejects.toMatchObject({ code: 'not_found' });
        expect(await readdir(parent)).toEqual(['bh']);
        expect((await readJson<{ checksum: { value: string } }>(first.manifest)).checksum.value).toBe(
          first.checksum,
        );
      } finally {
        await writeFile(image, bytes);
      }
    });

    it('runs as a job: progress, result, and the CLI-shaped output', async () => {
      const out = join(tmp.dir, 'job.json');
      const job = app.start('export.run', { project, format: 'json3d', out }, as('x'));
      const done = await new Promise<Record<string, unknown>>((resolve) => {
        const stop = app.subscribe((event) => {
          if (event.type === 'job' && event.job.id === job.id && event.job.status !== 'running') {
            stop();
            resolve(event.job as unknown as Record<string, unknown>);
          }
        });
      });
      expect(done.status).toBe('done');
      expect(done.result).toMatchObject({ out, format: 'json3d', manifest: `${out}.manifest.json` });
    });
  });
});
