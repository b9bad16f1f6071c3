import { CAMERA_PRESETS, xyzToUvd } from '@shared/camera';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeDepthPng,
  decodeMsraBin,
  detectHandCentre,
  parseMsraJointFile,
} from '../../../src/main/datasets';
import { collectImport, loadDepth, openBigHandImport, openMsraImport } from '../../../src/main/datasets/node';
import { FIXTURES, fixture, withTempDir } from './fixtures';

describe('BigHand', () => {
  it('decodes the real frame as 16-bit mm: 640×480, 561–1030 mm, 9.6 % valid, median 594', async () => {
    const image = decodeDepthPng(await readFile(fixture('bighand/image_D00000030.png')));
    expect([image.width, image.height]).toEqual([640, 480]);
    const valid = Array.from(image.depth)
      .filter((d) => d > 0)
      .sort((a, b) => a - b);
    expect(valid[0]).toBe(561);
    expect(valid[valid.length - 1]).toBe(1030);
    expect(valid.length / image.depth.length).toBeCloseTo(0.0957, 3);
    expect(valid[valid.length >> 1]).toBe(594);
    expect(detectHandCentre(image, CAMERA_PRESETS.bighand.intrinsics)).not.toBeNull();
  });

  it('imports Training_Annotation.txt (tabs, stray spaces) and projects xyz with the SR300 intrinsics', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'images'));
      await copyFile(fixture('bighand/image_D00000030.png'), join(root, 'images', 'image_D00000030.png'));
      const xyz = Array.from({ length: 63 }, (_, i) =>
        i % 3 === 2 ? 600 + i : i % 3 === 0 ? -40 + i : 20 - i,
      );
      await writeFile(
        join(root, 'Training_Annotation.txt'),
        [
          `image_D00000030.png\t${xyz.join('\t ')}`,
          `image_D00000031.png\t${xyz.join('\t')}`,
          `image_D00000030.png\t1\t2`,
        ].join('\n'),
      );
      const run = await openBigHandImport(root);
      const records = await collectImport(run);
      expect(records).toHaveLength(1);
      const expected = xyzToUvd(CAMERA_PRESETS.bighand.intrinsics, xyz);
      expect(records[0]!.joints![5]!.u).toBeCloseTo(expected[15]!, 9);
      expect(records[0]!.joints![5]!.v).toBeCloseTo(expected[16]!, 9);
      expect(run.errors.map((e) => [e.line, e.reason])).toEqual([
        [3, 'joint-count'],
        [2, 'missing-image'],
      ]);
      expect((await loadDepth(root, records[0]!)).width).toBe(640);
    });
  });
});

describe('MSRA', () => {
  const camera = CAMERA_PRESETS.msra.intrinsics;

  it('parses the MSRA14 joint.txt (y up, z negative) into the image: u 28–219, v 39–175', async () => {
    const parsed = parseMsraJointFile(await readFile(fixture('msra14/joint.txt'), 'utf8'), camera);
    expect(parsed.declaredCount).toBe(400);
    expect(parsed.labels).toHaveLength(400);
    expect(parsed.problems).toEqual([]);
    const us = parsed.labels.flatMap((l) => Array.from({ length: 21 }, (_, j) => l.uvd[3 * j]!));
    const vs = parsed.labels.flatMap((l) => Array.from({ length: 21 }, (_, j) => l.uvd[3 * j + 1]!));
    expect([Math.floor(Math.min(...us)), Math.floor(Math.max(...us))]).toEqual([28, 219]);
    expect([Math.floor(Math.min(...vs)), Math.floor(Math.max(...vs))]).toEqual([38, 175]);
  });

  it('decodes a .bin bounding-box crop into the full frame', () => {
    const bin = msraBin(320, 240, [10, 20, 13, 22], (i) => 400 + i);
    const image = decodeMsraBin(bin);
    expect([image.width, image.height]).toEqual([320, 240]);
    expect(image.depth[20 * 320 + 10]).toBe(400);
    expect(image.depth[21 * 320 + 12]).toBe(405);
    expect(image.depth[20 * 320 + 13]).toBe(0);
    expect(() => decodeMsraBin(bin.subarray(0, 30))).toThrow(/truncated/);
  });

  it('imports P*/gesture folders, flags known faulty frames, reports a count mismatch', async () => {
    await withTempDir(async (root) => {
      const folder = join(root, 'P2', 'TIP');
      await mkdir(folder, { recursive: true });
      const lines = (await readFile(fixture('msra14/joint.txt'), 'utf8')).split('\n').slice(1, 176);
      await writeFile(join(folder, 'joint.txt'), `176\n${lines.join('\n')}`);
      for (const frame of [0, 172]) {
        await writeFile(
          join(folder, `${String(frame).padStart(6, '0')}_depth.bin`),
          msraBin(320, 240, [0, 0, 2, 2], () => 300),
        );
      }
      const run = await openMsraImport(root);
      const records = await collectImport(run);
      expect(records.map((r) => [r.key, r.tags ?? []])).toEqual([
        ['P2/TIP/000000', []],
        ['P2/TIP/000172', ['faulty']],
      ]);
      expect(run.errors[0]).toMatchObject({ file: 'P2/TIP/joint.txt', line: 1, reason: 'joint-count' });
      expect(run.counts.skippedByReason['missing-image']).toBe(173);
      expect((await loadDepth(root, records[0]!)).depth[0]).toBe(300);
    });
  });

  it('reads the real fixture folder without images', async () => {
    const run = await openMsraImport(join(FIXTURES, 'msra14'), { checkImages: 'none' });
    expect(await collectImport(run)).toHaveLength(400);
    expect(run.dataset.skeleton).toBe('msra21');
  });
});

function msraBin(
  width: number,
  height: number,
  [left, top, right, bottom]: number[],
  value: (i: number) => number,
): Uint8Array {
  const count = (right! - left!) * (bottom! - top!);
  const bytes = new Uint8Array(24 + 4 * count);
  const view = new DataView(bytes.buffer);
  [width, height, left!, top!, right!, bottom!].forEach((n, i) => view.setInt32(4 * i, n, true));
  for (let i = 0; i < count; i++) view.setFloat32(24 + 4 * i, value(i), true);
  return bytes;
}
