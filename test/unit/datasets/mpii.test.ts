import { MPII16 } from '@shared/skeletons';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MPII_NATIVE_JOINTS, MPII_TO_INTERNAL, parseMpiiPerson } from '../../../src/main/datasets';
import { collectImport, loadRgb, openDatasetImport, openMpiiImport } from '../../../src/main/datasets/node';
import { tempDir } from '../../helpers/tmp';
import { fixture } from './fixtures';
import { writeJpeg } from './rgb-fixtures';

interface RawPerson {
  image: string;
  joints: [number, number][];
  joints_vis: number[];
}

const joint = (name: string) => MPII16.joints.indexOf(name);

describe('MPII HRNet / mmpose JSON fixture', () => {
  it('maps every MPII id to the internal joint of the same name (upper neck = neck)', () => {
    MPII_NATIVE_JOINTS.forEach((name, id) =>
      expect(MPII16.joints[MPII_TO_INTERNAL[id]!]).toBe(name === 'upper_neck' ? 'neck' : name),
    );
  });

  it('imports 5 people of 16 joints, keyed by image and index, split from the file name', async () => {
    const run = await openDatasetImport('mpii', fixture('mpii'));
    const records = await collectImport(run);
    expect(run.dataset).toMatchObject({
      format: 'mpii',
      skeleton: 'mpii16',
      modality: 'rgb',
      intrinsics: null,
    });
    expect(run.errors).toEqual([]);
    expect(records.map((record) => record.key)).toEqual([
      '005808361.jpg#0',
      '052475643.jpg#1',
      '051423444.jpg#2',
      '004645041.jpg#3',
      '060754485.jpg#4',
    ]);
    expect(records.every((record) => record.joints?.length === 16 && record.split === 'test')).toBe(true);
    // Sizes come from the JPEG headers; one frame is smaller than the rest.
    expect(records.map((record) => `${record.width}×${record.height}`)).toEqual([
      '1280×720',
      '854×480',
      '1280×720',
      '1280×720',
      '1280×720',
    ]);
  });

  it('shifts coordinates by −1, maps them to the internal order and leaves (−1, −1) joints absent', async () => {
    const raw = JSON.parse(await readFile(fixture('mpii/test_mpii.json'), 'utf8')) as RawPerson[];
    const records = await collectImport(await openMpiiImport(fixture('mpii')));
    let absent = 0;
    raw.forEach((person, i) => {
      person.joints.forEach(([x, y], id) => {
        const imported = records[i]!.joints![MPII_TO_INTERNAL[id]!]!;
        if (x === -1 && y === -1) {
          expect(imported).toMatchObject({ u: null, v: null, visibility: 'absent' });
          absent++;
        } else {
          expect(imported).toEqual({ u: x - 1, v: y - 1, d: null, visibility: 'visible', state: 'accepted' });
        }
      });
    });
    expect(absent).toBe(4); // both ankles of two people
    expect(records[2]!.joints![joint('r_ankle')]!.visibility).toBe('absent');
    // The head top is kept as labelled (no pull toward the neck) and lies above it.
    const first = records[0]!.joints!;
    expect(first[joint('head_top')]!.u).toBeCloseTo(961.2409, 9);
    expect(first[joint('head_top')]!.v).toBeCloseTo(79.0306, 9);
    expect(first[joint('neck')]!.v).toBeCloseTo(234.9694, 9);
  });

  it('boxes each person around its labelled joints', async () => {
    for (const record of await collectImport(await openMpiiImport(fixture('mpii')))) {
      const [x, y, w, h] = record.box!;
      for (const labelled of record.joints!.filter((j) => j.visibility !== 'absent')) {
        expect(labelled.u!).toBeGreaterThan(x);
        expect(labelled.u!).toBeLessThan(x + w);
        expect(labelled.v!).toBeGreaterThan(y);
        expect(labelled.v!).toBeLessThan(y + h);
      }
    }
  });

  it('decodes the progressive JPEGs', async () => {
    const image = await loadRgb(fixture('mpii'), { imagePath: '052475643.jpg' });
    expect([image.width, image.height, image.rgba.length]).toEqual([854, 480, 854 * 480 * 4]);
  });
});

describe('MPII JSON edge cases', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-mpii-')));
  afterEach(() => cleanup());

  const labelled = (x: number) => Array.from({ length: 16 }, (_, id) => [x + id, 20 + id]);

  it('reads annotations/ files with images/, their split from the name, and reports bad people by index', async () => {
    await writeJpeg(join(dir, 'images', 'a.jpg'), 64, 48);
    const train = [
      {
        image: 'a.jpg',
        center: [30, 30],
        scale: 0.2,
        joints: labelled(10),
        joints_vis: [0, ...Array(15).fill(1)],
      },
      { image: 'a.jpg', joints: labelled(10).slice(1) },
      { image: 'a.jpg', center: [33, 21], scale: 0.1 },
    ];
    await mkdir(join(dir, 'annotations'));
    await writeFile(join(dir, 'annotations', 'mpii_train.json'), JSON.stringify(train));
    await writeFile(
      join(dir, 'annotations', 'mpii_val.json'),
      JSON.stringify([{ image: 'a.jpg', joints: 3 }]),
    );
    const run = await openMpiiImport(dir);
    const records = await collectImport(run);
    expect(records.map((record) => [record.key, record.imagePath, record.split])).toEqual([
      ['a.jpg#0', 'images/a.jpg', 'train'],
      ['a.jpg#2', 'images/a.jpg', 'train'],
    ]);
    // vis 0 with a position: occluded, not absent.
    expect(records[0]!.joints![MPII_TO_INTERNAL[0]]).toMatchObject({ u: 9, v: 19, visibility: 'occluded' });
    // A person without joints is unlabelled, boxed by HRNet's center / scale square (200·scale px).
    expect(records[1]).toMatchObject({ joints: null, box: [22, 10, 20, 20] });
    expect(run.errors).toEqual([
      {
        file: 'annotations/mpii_train.json',
        reason: 'joint-count',
        message: '[1]: joints: 15 points, expected 16',
      },
      {
        file: 'annotations/mpii_val.json',
        reason: 'malformed-record',
        message: expect.stringMatching(/^\[0\]: joints: /),
      },
    ]);
  });

  it('checks joints_vis against the joint count', () => {
    expect(parseMpiiPerson({ image: 'a.jpg', joints: labelled(0), joints_vis: [1, 1] })).toMatchObject({
      reason: 'joint-count',
      message: 'joints_vis: 2 flags, expected 16',
    });
  });

  it('refuses a folder with only the MATLAB struct and says how to get the JSON', async () => {
    await writeFile(join(dir, 'mpii_human_pose_v1_u12_1.mat'), 'MATLAB 5.0');
    await expect(openMpiiImport(dir)).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('mpii_train.json'),
    });
  });
});
