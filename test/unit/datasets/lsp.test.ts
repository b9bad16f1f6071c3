import { LSP14 } from '@shared/skeletons';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LSP_NATIVE_JOINTS,
  LSP_TO_INTERNAL,
  matIndex,
  parseLspJointMat,
  readJpegSize,
  readMatNumericArrays,
} from '../../../src/main/datasets';
import { collectImport, loadRgb, openDatasetImport, openLspImport } from '../../../src/main/datasets/node';
import { tempDir } from '../../helpers/tmp';
import { fixture } from './fixtures';
import { matFile, writeJpeg } from './rgb-fixtures';

/** The raw LSPET array (14 × 3 × 10000, [joint, x|y|flag, frame]) as the file stores it. */
async function rawLspet(): Promise<(joint: number, coordinate: number, frame: number) => number> {
  const joints = readMatNumericArrays(await readFile(fixture('lsp/joints.mat')), inflateSync).get('joints')!;
  return (joint, coordinate, frame) => joints.data[matIndex(joints.dims, [joint, coordinate, frame])]!;
}

describe('LSP-extended fixture', () => {
  it('maps every native joint to the internal joint of the same name', () => {
    expect(LSP_NATIVE_JOINTS).toHaveLength(14);
    LSP_NATIVE_JOINTS.forEach((name, native) => expect(LSP14.joints[LSP_TO_INTERNAL[native]!]).toBe(name));
  });

  it('imports the 10 images with their labels and reports the 9,990 image-less labels once', async () => {
    const run = await openDatasetImport('lsp', fixture('lsp'));
    const records = await collectImport(run);
    expect(run.dataset).toMatchObject({
      format: 'lsp',
      skeleton: 'lsp14',
      modality: 'rgb',
      intrinsics: null,
      cubeMm: null,
    });
    expect(records.map((record) => record.key)).toEqual(
      Array.from({ length: 10 }, (_, i) => `images/im${String(i + 1).padStart(5, '0')}.jpg`),
    );
    expect(records.every((record) => record.split === 'train' && record.joints?.length === 14)).toBe(true);
    expect(records[0]).toMatchObject({ imagePath: 'images/im00001.jpg', width: 157, height: 105 });
    expect(run.counts).toEqual({ imported: 10, skipped: 9990, skippedByReason: { 'missing-image': 9990 } });
    expect(run.errors).toEqual([
      {
        file: 'joints.mat',
        reason: 'missing-image',
        message: '9,990 labels have no image file (first: images/im00011.jpg)',
      },
    ]);
  });

  it('takes 1 off the raw coordinates, keeps flag-1 joints visible and drops flag-0 ones', async () => {
    const raw = await rawLspet();
    const records = await collectImport(await openLspImport(fixture('lsp')));
    let absent = 0;
    for (const [frame, record] of records.entries()) {
      for (let native = 0; native < 14; native++) {
        const joint = record.joints![LSP_TO_INTERNAL[native]!]!;
        if (raw(native, 2, frame) === 0) {
          expect(joint).toMatchObject({ u: null, v: null, visibility: 'absent' });
          absent++;
        } else {
          expect(joint).toMatchObject({ visibility: 'visible', d: null });
          expect(joint.u).toBeCloseTo(raw(native, 0, frame) - 1, 12);
          expect(joint.v).toBeCloseTo(raw(native, 1, frame) - 1, 12);
        }
      }
    }
    expect(absent).toBeGreaterThan(0);
    const first = records[0]!.joints!;
    const at = (name: string) => first[LSP14.joints.indexOf(name)]!;
    expect(at('r_ankle').visibility).toBe('absent'); // (0, −26.1) with flag 0 in the file
    expect(at('head_top').v!).toBeLessThan(at('neck').v!);
  });

  it('gives each person the box of its labelled joints', async () => {
    for (const record of await collectImport(await openLspImport(fixture('lsp')))) {
      const [x, y, w, h] = record.box!;
      for (const joint of record.joints!.filter((j) => j.visibility !== 'absent')) {
        expect(joint.u!).toBeGreaterThan(x);
        expect(joint.u!).toBeLessThan(x + w);
        expect(joint.v!).toBeGreaterThan(y);
        expect(joint.v!).toBeLessThan(y + h);
      }
    }
  });

  it('reads JPEG sizes from the header and decodes them to RGBA', async () => {
    expect(readJpegSize(await readFile(fixture('lsp/images/im00003.jpg')))).toEqual({
      width: 320,
      height: 427,
    });
    const image = await loadRgb(fixture('lsp'), { imagePath: 'images/im00002.jpg' });
    expect([image.width, image.height]).toEqual([194, 265]);
    expect(image.rgba).toHaveLength(194 * 265 * 4);
    const decoded = await openLspImport(fixture('lsp'), { checkImages: 'decode' });
    expect((await collectImport(decoded)).map((r) => [r.width, r.height])[1]).toEqual([194, 265]);
  });
});

describe('original LSP layout (3 × 14 × N, inverted flag)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-lsp-')));
  afterEach(() => cleanup());

  /** Four frames in a 40×30 image: joint j at (10 + j, 5 + j) 1-based, flag = 1 for odd j (occluded). */
  function lspValues(
    frames: number,
    edit?: (frame: number, joint: number) => [number, number] | null,
  ): number[] {
    const dims = [3, 14, frames];
    const values = new Array<number>(3 * 14 * frames).fill(0);
    for (let frame = 0; frame < frames; frame++) {
      for (let joint = 0; joint < 14; joint++) {
        const [x, y] = edit?.(frame, joint) ?? [10 + joint, 5 + joint];
        values[matIndex(dims, [0, joint, frame])] = x;
        values[matIndex(dims, [1, joint, frame])] = y;
        values[matIndex(dims, [2, joint, frame])] = joint % 2;
      }
    }
    return values;
  }

  it('detects the variant from the shape and inverts the flag: 1 = occluded with a position', () => {
    const table = parseLspJointMat(matFile('joints', [3, 14, 2], lspValues(2)), inflateSync);
    expect(table.variant).toBe('lsp');
    expect(table.frames).toHaveLength(2);
    const joints = table.frames[0]!;
    LSP_NATIVE_JOINTS.forEach((_, native) => {
      expect(joints[LSP_TO_INTERNAL[native]!]).toEqual({
        u: 9 + native,
        v: 4 + native,
        d: null,
        visibility: native % 2 === 1 ? 'occluded' : 'visible',
        state: 'accepted',
      });
    });
    // MATLAB drops a trailing singleton dimension: one frame is stored as 3 × 14.
    expect(parseLspJointMat(matFile('joints', [3, 14], lspValues(1)), inflateSync).frames).toHaveLength(1);
  });

  it('imports im%04d.jpg, splits halves, names the frame and joint of a label far outside its image', async () => {
    // Frame 3's right wrist (native 6) lies 100 px right of a 40-px-wide image; frame 6 has no image.
    const values = lspValues(6, (frame, joint) => (frame === 2 && joint === 6 ? [140, 10] : null));
    await writeFile(join(dir, 'joints.mat'), matFile('joints', [3, 14, 6], values));
    for (const frame of [1, 2, 3, 4, 5]) await writeJpeg(join(dir, 'images', `im000${frame}.jpg`), 40, 30);
    const run = await openLspImport(dir);
    const records = await collectImport(run);
    expect(records.map((record) => [record.key, record.split])).toEqual([
      ['images/im0001.jpg', 'train'],
      ['images/im0002.jpg', 'train'],
      ['images/im0004.jpg', 'test'],
      ['images/im0005.jpg', 'test'],
    ]);
    expect(records[0]!.joints!.filter((joint) => joint.visibility === 'occluded')).toHaveLength(7);
    expect(run.errors).toHaveLength(2);
    expect(run.errors).toEqual(
      expect.arrayContaining([
        {
          file: 'joints.mat',
          reason: 'out-of-range',
          message: 'joints(:, :, 3): r_wrist at (139, 9) px is more than 50 % outside the 40×30 image',
        },
        {
          file: 'joints.mat',
          reason: 'missing-image',
          message: '1 label has no image file (first: images/im0006.jpg)',
        },
      ]),
    );
    expect(run.counts.skippedByReason).toEqual({ 'out-of-range': 1, 'missing-image': 1 });
  });

  it('refuses a joints array of neither layout, naming the file', async () => {
    await writeFile(join(dir, 'joints.mat'), matFile('joints', [2, 14, 1], new Array(28).fill(1)));
    await expect(openLspImport(dir)).rejects.toThrow('joints.mat: joints is 2 × 14 × 1, expected 3 × 14 × N');
  });
});
