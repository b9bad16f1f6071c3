import { encode } from 'fast-png';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIcvlOriginal, parseIcvlLine, parseLines } from '../../../src/main/datasets';
import { collectImport, loadDepth, openIcvlImport } from '../../../src/main/datasets/node';
import { FIXTURES, fixture, withTempDir } from './fixtures';

const values = (count: number, value: (i: number) => number) =>
  Array.from({ length: count }, (_, i) => value(i)).join(' ');
/** 16 joints at (100 + j, 100, 300 + j). */
const GOOD_NUMBERS = values(48, (i) => (i % 3 === 0 ? 100 + i / 3 : i % 3 === 1 ? 100 : 300 + (i - 2) / 3));

describe('ICVL labels', () => {
  it('parses the real test label files: 1,596 frames, u 45–247, v 45–210, d 190–453', async () => {
    let count = 0;
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (const file of ['test_seq_1.txt', 'test_seq_2.txt']) {
      const text = await readFile(fixture(`icvl/${file}`), 'utf8');
      const { entries, issues } = parseLines(text, file, (line, n) => parseIcvlLine(line, n));
      expect(issues).toEqual([]);
      count += entries.length;
      for (const { uvd } of entries) {
        uvd.forEach((value, i) => {
          min[i % 3] = Math.min(min[i % 3]!, value);
          max[i % 3] = Math.max(max[i % 3]!, value);
        });
      }
    }
    expect(count).toBe(1596);
    expect(min.map(Math.floor)).toEqual([45, 45, 189]);
    expect(max.map(Math.ceil)).toEqual([248, 210, 453]);
    expect(min.map(Math.round)).toEqual([45, 46, 190]);
    expect(max.map(Math.round)).toEqual([247, 210, 453]);
  });

  it('imports the fixture folder as the flattened layout (images not checked)', async () => {
    const run = await openIcvlImport(join(FIXTURES, 'icvl'), { checkImages: 'none' });
    const records = await collectImport(run);
    expect(run.dataset).toMatchObject({ format: 'icvl', skeleton: 'icvl16', modality: 'depth', cubeMm: 300 });
    expect(run.dataset.intrinsics).toMatchObject({ fx: 241.42, cx: 160, width: 320 });
    expect(records).toHaveLength(1596);
    expect(run.counts).toEqual({ imported: 1596, skipped: 0, skippedByReason: {} });
    expect(records[0]).toMatchObject({
      key: 'test_seq_1/image_0000.png',
      imagePath: 'Depth/test_seq_1/image_0000.png',
      line: 1,
      split: 'test',
    });
    expect(records[0]!.joints).toHaveLength(16);
    expect(new Set(records.map((r) => r.key)).size).toBe(1596);
  });

  it('reports missing images per line when images are checked', async () => {
    const run = await openIcvlImport(join(FIXTURES, 'icvl'), { labelFiles: ['test_seq_1.txt'] });
    expect(await collectImport(run)).toHaveLength(0);
    expect(run.counts.skippedByReason).toEqual({ 'missing-image': 702 });
    expect(run.errors[1]).toMatchObject({ file: 'test_seq_1.txt', line: 2, reason: 'missing-image' });
  });

  it('tells originals from the rotated copies', () => {
    expect(isIcvlOriginal('201403121135/image_0000.png')).toBe(true);
    expect(isIcvlOriginal('0/image_0000.png')).toBe(false);
  });

  it('keeps going past bad lines and bad images, with file, line and reason', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'Depth', '201403121135'), { recursive: true });
      await mkdir(join(root, 'Depth', '45'), { recursive: true });
      const depth = new Uint16Array(320 * 240).fill(32001);
      depth[120 * 320 + 160] = 400;
      const png = encode({ width: 320, height: 240, data: depth, depth: 16, channels: 1 });
      await writeFile(join(root, 'Depth/201403121135/good.png'), png);
      await writeFile(join(root, 'Depth/201403121135/far.png'), png);
      await writeFile(join(root, 'Depth/201403121135/broken.png'), 'not a png');
      const lines = [
        `201403121135/good.png ${GOOD_NUMBERS} \r\r`,
        `201403121135/short.png 1 2 3`,
        `201403121135/word.png ${GOOD_NUMBERS.replace(/^100/, 'abc')}`,
        `201403121135/nan.png ${GOOD_NUMBERS.replace(/^100/, 'NaN')}`,
        `201403121135/far.png ${GOOD_NUMBERS.replace(/ 300 /, ' 9000 ')}`,
        `201403121135/missing.png ${GOOD_NUMBERS}`,
        `201403121135/broken.png ${GOOD_NUMBERS}`,
        `45/good.png ${GOOD_NUMBERS}`,
        `201403121135/good.png ${GOOD_NUMBERS}`,
        `no-path-here ${GOOD_NUMBERS}`,
      ];
      await writeFile(join(root, 'train.txt'), lines.join('\n'));
      const run = await openIcvlImport(root);
      const records = await collectImport(run);
      expect(records.map((r) => r.key)).toEqual(['201403121135/good.png']);
      expect(records[0]!.joints![0]).toEqual({
        u: 100,
        v: 100,
        d: 300,
        visibility: 'visible',
        state: 'accepted',
      });
      expect(run.errors.map((e) => [e.line, e.reason])).toEqual([
        [2, 'joint-count'],
        [3, 'not-a-number'],
        [4, 'not-a-number'],
        [10, 'malformed-line'],
        [5, 'out-of-range'],
        [6, 'missing-image'],
        [7, 'unreadable-image'],
      ]);
      expect(run.errors.every((e) => e.file === 'train.txt')).toBe(true);
      expect(run.counts).toMatchObject({ imported: 1, skipped: 9 });
      expect(run.counts.skippedByReason).toMatchObject({ 'augmented-copy': 1, 'duplicate-key': 1 });
      const image = await loadDepth(root, records[0]!);
      expect(image.depth[120 * 320 + 160]).toBe(400);
      expect(image.depth[0]).toBe(0); // 32001 = no reading
    });
  });
});
