import { COCO17, LSP14, MPII16 } from '@shared/skeletons';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cocoLayoutFor, readJpegSize } from '../../../src/main/datasets';
import {
  collectImport,
  decodeRgb,
  loadRgb,
  openCocoImport,
  openDatasetImport,
  openRgbFolderImport,
} from '../../../src/main/datasets/node';
import { tempDir } from '../../helpers/tmp';
import { writeJpeg, writePng } from './rgb-fixtures';

/** COCO's own keypoint names (the official files spell sides out). */
const COCO_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
];

/** 17 keypoints at (10 + k, 5 + k) with flag `flag(k)`; v = 0 keypoints are written as 0, 0, 0. */
function keypoints(flag: (k: number) => number): number[] {
  return COCO_NAMES.flatMap((_, k) => (flag(k) === 0 ? [0, 0, 0] : [10 + k, 5 + k, flag(k)]));
}

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-coco-')));
afterEach(() => cleanup());

describe('COCO keypoints', () => {
  it('picks the layout from the keypoint names, in any order', () => {
    expect(cocoLayoutFor(COCO_NAMES)).toEqual({ layout: COCO17, jointOf: COCO_NAMES.map((_, k) => k) });
    expect(cocoLayoutFor(COCO17.joints)?.layout.id).toBe('coco17');
    expect(cocoLayoutFor(MPII16.joints)?.layout.id).toBe('mpii16');
    const reversed = [...LSP14.joints].reverse();
    expect(cocoLayoutFor(reversed)).toEqual({ layout: LSP14, jointOf: reversed.map((_, k) => 13 - k) });
    expect(cocoLayoutFor(COCO_NAMES.slice(1))).toBeNull();
    expect(cocoLayoutFor([...COCO_NAMES.slice(1), 'tail'])).toBeNull();
  });

  it('imports people with v 0/1/2, boxes, splits; skips crowds; names file and annotation id of bad ones', async () => {
    await writeJpeg(join(dir, 'val2017', '000001.jpg'), 64, 48);
    const coco = {
      images: [{ id: 1, file_name: '000001.jpg', width: 64, height: 48 }],
      categories: [
        { id: 1, name: 'person', keypoints: COCO_NAMES },
        { id: 2, name: 'dog' },
      ],
      annotations: [
        // k % 3 = 0 → not labelled, 1 → occluded, 2 → visible.
        {
          id: 11,
          image_id: 1,
          category_id: 1,
          keypoints: keypoints((k) => k % 3),
          bbox: [1, 2, 30, 40],
          iscrowd: 0,
          poseloop_family: 'walking',
        },
        {
          id: 12,
          image_id: 1,
          category_id: 1,
          keypoints: keypoints(() => 2),
          bbox: [0, 0, 9, 9],
          iscrowd: 1,
        },
        { id: 13, image_id: 1, category_id: 1, keypoints: keypoints(() => 2).slice(1), bbox: [0, 0, 9, 9] },
        {
          id: 14,
          image_id: 1,
          category_id: 1,
          keypoints: keypoints(() => 0),
          num_keypoints: 0,
          bbox: [5, 6, 7, 8],
        },
        { id: 15, image_id: 1, category_id: 1, keypoints: keypoints((k) => (k === 4 ? 3 : 2)) },
        { id: 16, image_id: 1, category_id: 2, bbox: [0, 0, 9, 9] },
        { id: 17, image_id: 99, category_id: 1, keypoints: keypoints(() => 2) },
        {
          id: 18,
          image_id: 1,
          category_id: 1,
          keypoints: keypoints((k) => (k === 9 ? 2 : 0)).fill(500, 27, 28),
        },
        { id: 19, image_id: 1, category_id: 1, keypoints: keypoints(() => 2) },
        { image_id: 1, category_id: 1 },
      ],
    };
    await mkdir(join(dir, 'annotations'));
    await writeFile(join(dir, 'annotations', 'person_keypoints_val2017.json'), JSON.stringify(coco));
    const run = await openDatasetImport('coco', dir);
    const records = await collectImport(run);
    expect(run.dataset).toMatchObject({ format: 'coco', skeleton: 'coco17', modality: 'rgb' });
    expect(records.map((record) => [record.key, record.imagePath, record.split, record.box])).toEqual([
      ['val2017/000001.jpg#11', 'val2017/000001.jpg', 'test', [1, 2, 30, 40]],
      ['val2017/000001.jpg#14', 'val2017/000001.jpg', 'test', [5, 6, 7, 8]],
      ['val2017/000001.jpg#19', 'val2017/000001.jpg', 'test', expect.any(Array)],
    ]);
    expect(records[0]!.tags).toEqual(['walking']);
    const joints = records[0]!.joints!;
    expect(joints[0]).toMatchObject({ u: null, v: null, visibility: 'absent' });
    expect(joints[1]).toEqual({ u: 11, v: 6, d: null, visibility: 'occluded', state: 'accepted' });
    expect(joints[2]).toEqual({ u: 12, v: 7, d: null, visibility: 'visible', state: 'accepted' });
    expect(records[1]!.joints).toBeNull(); // no labelled keypoint: an unlabelled person, box only
    const file = 'annotations/person_keypoints_val2017.json';
    expect(run.errors).toEqual([
      {
        file,
        reason: 'joint-count',
        message: 'annotations[2] (id 13): keypoints: 50 numbers, expected 51 (17 × x, y, v)',
      },
      {
        file,
        reason: 'malformed-record',
        message: 'annotations[4] (id 15): keypoints[14]: v is 3, expected 0, 1 or 2',
      },
      { file, reason: 'malformed-record', message: 'annotations[6] (id 17): image_id 99 is not in images[]' },
      { file, reason: 'malformed-record', message: expect.stringMatching(/^annotations\[9\]: id: /) },
      {
        file,
        reason: 'out-of-range',
        message: 'annotations[7] (id 18): l_wrist at (500, 14) px is more than 50 % outside the 64×48 image',
      },
    ]);
    expect(run.counts).toEqual({
      imported: 3,
      skipped: 7,
      skippedByReason: {
        crowd: 1,
        'other-category': 1,
        'joint-count': 1,
        'malformed-record': 3,
        'out-of-range': 1,
      },
    });
  });

  it('reads PoseLoop files in the root: MPII16 names → mpii16, no split, box from the keypoints', async () => {
    await writeJpeg(join(dir, 'images', 'a.jpg'), 64, 48);
    const uv = MPII16.joints.flatMap((_, j) => [10 + j, 20 + j, 2]);
    await writeFile(
      join(dir, 'poseloop-export.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg' }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, keypoints: uv }],
        categories: [{ id: 1, name: 'person', keypoints: MPII16.joints }],
      }),
    );
    const run = await openCocoImport(dir, { checkImages: 'none' });
    const [record] = await collectImport(run);
    expect(run.dataset.skeleton).toBe('mpii16');
    expect(record).toMatchObject({ key: 'images/a.jpg#1', imagePath: 'images/a.jpg', width: 64, height: 48 });
    expect(record!.split).toBeUndefined();
    const [x, y, w, h] = record!.box!;
    expect(x).toBeLessThan(10);
    expect(x + w).toBeGreaterThan(25);
    expect(y).toBeLessThan(20);
    expect(y + h).toBeGreaterThan(35);
  });

  it('refuses files of two layouts; other keypoint names define a custom skeleton with the category links', async () => {
    const file = (names: string[], skeleton?: number[][]) =>
      JSON.stringify({ images: [], annotations: [], categories: [{ id: 1, keypoints: names, skeleton }] });
    await writeFile(join(dir, 'a.json'), file(COCO_NAMES));
    await writeFile(join(dir, 'b.json'), file([...LSP14.joints]));
    await expect(openCocoImport(dir)).rejects.toThrow('b.json has lsp14 keypoints but a.json has coco17');
    await rm(join(dir, 'a.json'));
    await rm(join(dir, 'b.json'));
    await writeFile(
      join(dir, 'c.json'),
      file(
        ['tip', 'mid', 'base'],
        [
          [3, 2],
          [2, 1],
        ],
      ),
    );
    const run = await openCocoImport(dir);
    expect(run.dataset.layout).toMatchObject({
      kind: 'custom',
      joints: ['tip', 'mid', 'base'],
      links: [
        [2, 1],
        [1, 0],
      ],
      edges: [
        [0, 1],
        [1, 2],
      ],
    });
    await writeFile(join(dir, 'c.json'), file(['tip', 'tip']));
    await expect(openCocoImport(dir)).rejects.toMatchObject({ code: 'invalid_input', field: 'c.json' });
  });

  it('a COCO results file beside the keypoints file brings predictions with their scores', async () => {
    await writeJpeg(join(dir, 'images/a.jpg'), 64, 48);
    const labelled = keypoints((k) => (k === 3 ? 1 : 2));
    const coco = {
      images: [{ id: 7, file_name: 'a.jpg', width: 64, height: 48 }],
      annotations: [{ id: 1, image_id: 7, category_id: 1, keypoints: labelled }],
      categories: [{ id: 1, name: 'person', keypoints: COCO_NAMES }],
    };
    await writeFile(join(dir, 'person_keypoints.json'), JSON.stringify(coco));
    // As a detector writes them: x, y, s per keypoint, the mean as score; left out = 0, 0, 0.
    const near = COCO_NAMES.flatMap((_, k) => (k === 5 ? [0, 0, 0] : [10.5 + k, 5 + k, 0.5 + k / 100]));
    const far = COCO_NAMES.flatMap((_, k) => [40 + k / 4, 30, 0.3]);
    const results = [
      { image_id: 7, category_id: 1, keypoints: far, score: 0.3 },
      { image_id: 7, category_id: 1, keypoints: near, score: 0.6 },
      { image_id: 8, category_id: 1, keypoints: near, score: 0.6 },
      { image_id: 7, category_id: 1, keypoints: [1, 2, 3], score: 0.6 },
    ];
    await writeFile(join(dir, 'results.json'), JSON.stringify(results));
    const run = await openCocoImport(dir);
    const records = await collectImport(run);
    expect(records.map((r) => [r.key, r.joints === null])).toEqual([
      ['images/a.jpg#1', false],
      ['images/a.jpg#result-0', true],
    ]);
    expect(run.errors.map((e) => [e.file, e.message.slice(0, 11)])).toEqual([
      ['results.json', 'results[2]:'],
      ['results.json', 'results[3]:'],
    ]);
    const [own, pooled] = [...run.predictions].sort((a, b) => a.key.localeCompare(b.key));
    expect(own).toMatchObject({ key: 'images/a.jpg#1', score: 0.6 });
    expect(own!.joints[0]).toMatchObject({ u: 10.5, v: 5, visibility: 'visible' });
    expect(own!.joints[5]!.visibility).toBe('absent');
    expect(own!.scores[1]).toBeCloseTo(0.51, 9);
    expect(own!.scores[5]).toBeNull();
    expect(pooled).toMatchObject({ key: 'images/a.jpg#result-0', score: 0.3 });
    expect(records[1]!.box).toBeDefined();
  });
});

describe('RGB images', () => {
  it('rgb-folder: every JPEG and PNG under the root, unlabelled, no box, sized from the headers', async () => {
    await writeJpeg(join(dir, 'b.jpeg'), 20, 10);
    await writePng(join(dir, 'sub', 'a.png'), 7, 5);
    await writeFile(join(dir, 'notes.txt'), 'not an image');
    const run = await openRgbFolderImport(dir, { skeleton: 'coco17' });
    const records = await collectImport(run);
    expect(run.dataset).toMatchObject({ format: 'rgb-folder', skeleton: 'coco17', modality: 'rgb' });
    expect(records).toEqual([
      { key: 'b.jpeg', imagePath: 'b.jpeg', width: 20, height: 10, joints: null },
      { key: 'sub/a.png', imagePath: 'sub/a.png', width: 7, height: 5, joints: null },
    ]);
    expect((await openRgbFolderImport(dir)).dataset.skeleton).toBe('mpii16');
    await expect(openRgbFolderImport(dir, { skeleton: 'hand21' })).rejects.toMatchObject({
      field: 'skeleton',
    });
  });

  it('reports an image that is neither JPEG nor PNG against its record', async () => {
    await writeFile(join(dir, 'broken.jpg'), 'not a jpeg at all');
    const run = await openRgbFolderImport(dir);
    expect(await collectImport(run)).toEqual([]);
    expect(run.errors).toEqual([
      {
        file: 'broken.jpg',
        reason: 'unreadable-image',
        message: 'broken.jpg: neither a JPEG nor a PNG file',
      },
    ]);
  });

  it('finds a JPEG frame header behind 120 KiB of metadata by reading on', async () => {
    const jpeg = encodeJpeg({ width: 33, height: 17, data: new Uint8Array(33 * 17 * 4) }, 80).data;
    const app1 = new Uint8Array(2 + 0xfff0).fill(0x20);
    app1.set([0xff, 0xe1, 0xff, 0xf0]); // APP1, length 0xfff0 (length counts itself)
    const padded = new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...app1, ...jpeg.subarray(2)]);
    expect(readJpegSize(padded.subarray(0, 64 * 1024))).toBeNull();
    expect(readJpegSize(padded)).toEqual({ width: 33, height: 17 });
    await writeFile(join(dir, 'exif.jpg'), padded);
    const records = await collectImport(await openRgbFolderImport(dir));
    expect(records[0]).toMatchObject({ width: 33, height: 17 });
    expect(decodeRgb(padded).rgba).toHaveLength(33 * 17 * 4);
  });

  it('decodes PNGs of any layout to RGBA8: 1- and 16-bit grey, grey + alpha, palette, RGB', async () => {
    const grey16 = encodePng({
      width: 2,
      height: 1,
      data: new Uint16Array([0, 65535]),
      depth: 16,
      channels: 1,
    });
    expect(Array.from(decodeRgb(grey16).rgba)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    // 10 pixels a row, so each 1-bit row is padded to 2 bytes.
    const bits = encodePng({
      width: 10,
      height: 2,
      data: new Uint8Array([0xaa, 0xc0, 0xff, 0]),
      depth: 1,
      channels: 1,
    });
    const grey = decodeRgb(bits).rgba.filter((_, i) => i % 4 === 0);
    expect(Array.from(grey, (value) => value / 255)).toEqual([
      1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0,
    ]);
    const greyAlpha = encodePng({
      width: 1,
      height: 1,
      data: new Uint8Array([90, 30]),
      depth: 8,
      channels: 2,
    });
    expect(Array.from(decodeRgb(greyAlpha).rgba)).toEqual([90, 90, 90, 30]);
    const palette = [
      [255, 0, 0],
      [0, 0, 255],
    ];
    const indexed = encodePng({
      width: 2,
      height: 1,
      data: new Uint8Array([1, 0]),
      depth: 8,
      channels: 1,
      palette,
    });
    expect(Array.from(decodeRgb(indexed).rgba)).toEqual([0, 0, 255, 255, 255, 0, 0, 255]);
    await writePng(join(dir, 'rgb.png'), 3, 2);
    const rgb = await loadRgb(dir, { imagePath: 'rgb.png' });
    expect([rgb.width, rgb.height, ...rgb.rgba.subarray(0, 4)]).toEqual([3, 2, 200, 200, 200, 255]);
    await expect(loadRgb(dir, { imagePath: 'gone.png' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'gone.png: image file not found',
    });
    await writeFile(join(dir, 'text.png'), 'x');
    await expect(loadRgb(dir, { imagePath: 'text.png' })).rejects.toThrow(
      'text.png: neither a JPEG nor a PNG file',
    );
  });
});
