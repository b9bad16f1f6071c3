import { encode } from 'fast-png';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cropAndNormalise,
  cropFrame,
  detectHandCentre,
  generateSynthFrame,
} from '../../../src/main/datasets';
import {
  CropCache,
  collectImport,
  cropsAtCentres,
  ensureCropCache,
  loadDepth,
  openDatasetImport,
  openGenericImport,
  openUnlabelledImport,
  writeSynthDataset,
} from '../../../src/main/datasets/node';
import { withTempDir } from './fixtures';

const INTRINSICS = { fx: 241.42, fy: 241.42, cx: 160, cy: 120, width: 320, height: 240 };
const png = (width: number, height: number) =>
  encode({ width, height, data: new Uint16Array(width * height), depth: 16, channels: 1 });

describe('generic and unlabelled folders', () => {
  it('reads a CSV with absent joints and reports bad rows', async () => {
    await withTempDir(async (root) => {
      await writeFile(join(root, 'a.png'), png(320, 240));
      await writeFile(join(root, 'b.png'), png(320, 240));
      const manifest = {
        format: 'poseloop-dataset',
        version: 1,
        skeleton: 'icvl16',
        intrinsics: INTRINSICS,
        csv: 'labels.csv',
      };
      await writeFile(join(root, 'poseloop-dataset.json'), JSON.stringify(manifest));
      const header = ['image', 'split', ...Array.from({ length: 48 }, (_, i) => `c${i}`)].join(',');
      const row = (image: string, cells: string[]) => [image, 'train', ...cells].join(',');
      const full = Array.from({ length: 48 }, (_, i) => String(i % 3 === 2 ? 400 : 100));
      await writeFile(
        join(root, 'labels.csv'),
        [
          header,
          row('a.png', ['', '', '', ...full.slice(3)]),
          row('b.png', ['x', ...full.slice(1)]),
          row('b.png', full.slice(1)),
        ].join('\n'),
      );
      const run = await openDatasetImport('generic', root);
      const records = await collectImport(run);
      expect(records).toHaveLength(1);
      expect(records[0]!.joints![0]!.visibility).toBe('absent');
      expect(records[0]!.joints![1]).toMatchObject({ u: 100, d: 400, visibility: 'visible' });
      expect(run.errors.map((e) => [e.line, e.reason])).toEqual([
        [3, 'not-a-number'],
        [4, 'joint-count'],
      ]);
    });
  });

  it('rejects an invalid manifest with a clear error', async () => {
    await withTempDir(async (root) => {
      await writeFile(
        join(root, 'poseloop-dataset.json'),
        JSON.stringify({ format: 'poseloop-dataset', version: 1, skeleton: 'hand21' }),
      );
      await expect(openGenericImport(root)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(openDatasetImport('icvl', root)).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  it('lists images as unlabelled records and needs a camera', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'seq'));
      await writeFile(join(root, 'seq', 'f1.png'), png(64, 48));
      await writeFile(join(root, 'seq', 'f2.png'), 'garbage');
      await writeFile(join(root, 'notes.txt'), 'ignored');
      await expect(openUnlabelledImport(root)).rejects.toMatchObject({ code: 'invalid_input' });
      const run = await openUnlabelledImport(root, { camera: 'icvl' });
      const records = await collectImport(run);
      expect(records).toEqual([
        { key: 'seq/f1.png', imagePath: 'seq/f1.png', width: 64, height: 48, joints: null },
      ]);
      expect(run.errors).toMatchObject([{ file: 'seq/f2.png', reason: 'unreadable-image' }]);
      expect(run.dataset).toMatchObject({ format: 'unlabelled', skeleton: 'hand21' });
    });
  });
});

describe('crop cache', () => {
  it('stores detector crops by sample id, and rebuilds when settings or samples change', async () => {
    await withTempDir(async (root) => {
      await writeSynthDataset(join(root, 'synth'), { seed: 3, splits: [{ name: 'train', frames: 4 }] });
      const records = await collectImport(await openGenericImport(join(root, 'synth')));
      const sources = records.map((record, i) => ({
        sampleId: 100 + i,
        intrinsics: INTRINSICS,
        load: () => loadDepth(join(root, 'synth'), record),
      }));
      const path = join(root, 'crops.bin');
      const settings = { cubeMm: 300, inputSize: 32, detector: {} };

      const cache = await ensureCropCache(path, settings, sources);
      expect(cache.sampleIds).toEqual([100, 101, 102, 103]);
      const image = await sources[2]!.load();
      const frame = cropFrame(INTRINSICS, detectHandCentre(image, INTRINSICS)!, 300)!;
      expect(cache.frame(102)).toEqual(frame);
      expect(await cache.read([102])).toEqual(cropAndNormalise(image, frame, settings));
      expect((await cache.read([103, 100])).length).toBe(2 * 32 * 32);
      await cache.close();

      expect(await CropCache.open(path, { ...settings, inputSize: 64 })).toBeNull();
      const rebuilt = await ensureCropCache(path, { ...settings, inputSize: 64 }, sources.slice(0, 2));
      expect(rebuilt.sampleIds).toEqual([100, 101]);
      expect((await rebuilt.read([101])).length).toBe(64 * 64);
      await rebuilt.close();
      expect((await readdir(root)).sort()).toEqual(['crops.bin', 'synth']); // no temp files left
    });
  });

  it('marks frames without a hand instead of failing', async () => {
    await withTempDir(async (root) => {
      const empty = { width: 320, height: 240, depth: new Uint16Array(320 * 240) };
      const hand = generateSynthFrame(1);
      const sources = [empty, hand].map((image, i) => ({
        sampleId: i,
        intrinsics: INTRINSICS,
        load: async () => image,
      }));
      const cache = await ensureCropCache(
        join(root, 'c.bin'),
        { cubeMm: 300, inputSize: 16, detector: {} },
        sources,
      );
      expect(cache.frame(0)).toBeNull();
      expect(cache.frame(1)).not.toBeNull();
      expect(Array.from(await cache.read([0])).every((value) => value === 0)).toBe(true);
      await cache.close();
    });
  });

  it('cuts crops around explicit centres, and none where the window leaves the padded frame', async () => {
    await withTempDir(async (root) => {
      // A few frames, as the importer may skip one whose hand leaves the image; the test needs two.
      await writeSynthDataset(join(root, 'synth'), { seed: 5, splits: [{ name: 'train', frames: 4 }] });
      const records = (await collectImport(await openGenericImport(join(root, 'synth')))).slice(0, 2);
      expect(records).toHaveLength(2);
      const sources = records.map((record, i) => ({
        sampleId: i + 1,
        intrinsics: INTRINSICS,
        load: () => loadDepth(join(root, 'synth'), record),
      }));
      const settings = { cubeMm: 300, inputSize: 16 };
      const centres = [
        { u: 150.5, v: 110, d: 450 },
        { u: 1000, v: 110, d: 450 },
      ];
      const out = new Float32Array(2 * 16 * 16).fill(7);
      const frames = await cropsAtCentres(sources, centres, settings, out);
      const frame = cropFrame(INTRINSICS, centres[0]!, 300)!;
      // S = ceil(241.42·300/450) = 161; corners floor(150.5 − 80.5) = 70, floor(110 − 80.5) = 29.
      expect(frame).toEqual({ u: 150.5, v: 110, d: 450, side: 161, left: 70, top: 29 });
      expect(frames).toEqual([frame, null]);
      expect(out.subarray(0, 256)).toEqual(cropAndNormalise(await sources[0]!.load(), frame, settings));
      expect(out.subarray(256).every((v) => v === 0)).toBe(true);
    });
  });
});
