import { CAMERA_PRESETS, uvdToXyz } from '@shared/camera';
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  cropFrame,
  decodeDepthPng,
  detectHandCentre,
  parseNyuEvalLine,
  parseNyuJointMat,
  readMatNumericArrays,
} from '../../../src/main/datasets';
import { collectImport, openNyuImport } from '../../../src/main/datasets/node';
import { FIXTURES, fixture } from './fixtures';

const camera = CAMERA_PRESETS.nyu.intrinsics;

async function groundTruthRows(): Promise<Float64Array[]> {
  const text = await readFile(fixture('nyu/nyu_test_groundtruth_label.txt'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => parseNyuEvalLine(line) as Float64Array);
}

describe('NYU', () => {
  it('decodes the real depth frame from G/B: 640×480, 731–2001 mm', async () => {
    const image = decodeDepthPng(await readFile(fixture('nyu/depth_1_0000001.png')));
    expect([image.width, image.height]).toEqual([640, 480]);
    const valid = Array.from(image.depth).filter((d) => d > 0);
    expect(valid.reduce((a, b) => Math.min(a, b))).toBe(731);
    expect(valid.reduce((a, b) => Math.max(a, b))).toBe(2001);
  });

  it('test frame 1: joints lie on the hand, inside the detected crop, near its centre', async () => {
    const image = decodeDepthPng(await readFile(fixture('nyu/depth_1_0000001.png')));
    const [gt] = await groundTruthRows();
    // The skin surface lies 0–40 mm in front of every joint centre (PROVENANCE: 5–30 mm).
    for (let j = 0; j < 14; j++) {
      const surface = image.depth[Math.round(gt![3 * j + 1]!) * 640 + Math.round(gt![3 * j]!)]!;
      expect(gt![3 * j + 2]! - surface).toBeGreaterThanOrEqual(0);
      expect(gt![3 * j + 2]! - surface).toBeLessThan(40);
    }
    const centre = detectHandCentre(image, camera)!;
    const crop = cropFrame(camera, centre, 300)!;
    for (let j = 0; j < 14; j++) {
      expect(gt![3 * j]!).toBeGreaterThan(crop.left);
      expect(gt![3 * j]!).toBeLessThan(crop.left + crop.side);
      expect(gt![3 * j + 1]!).toBeGreaterThan(crop.top);
      expect(gt![3 * j + 1]!).toBeLessThan(crop.top + crop.side);
    }
    const xyz = uvdToXyz(camera, gt!);
    const mean = [0, 1, 2].map(
      (k) => Array.from({ length: 14 }, (_, j) => xyz[3 * j + k]!).reduce((a, b) => a + b) / 14,
    );
    const [x, y, z] = uvdToXyz(camera, [centre.u, centre.v, centre.d]);
    expect(Math.hypot(x! - mean[0]!, y! - mean[1]!, z! - mean[2]!)).toBeLessThan(40);
  });

  it('reads MAT v5 N-D arrays exactly: keypoints3D equals the text ground truth', async () => {
    const table = parseNyuJointMat(await readFile(fixture('nyu/nyu_keypointsUVD_test.mat')), inflateSync);
    const rows = await groundTruthRows();
    expect(table.skeleton).toBe('nyu14');
    expect(table.frames).toHaveLength(8252);
    let worst = 0;
    rows.forEach((row, i) =>
      row.forEach((value, k) => (worst = Math.max(worst, Math.abs(value - table.frames[i]![k]!)))),
    );
    expect(worst).toBeLessThan(6e-4); // the text file is rounded to 3 decimals
    const predictions = readMatNumericArrays(
      await readFile(fixture('nyu/test_predictions.mat')),
      inflateSync,
    );
    expect(predictions.get('pred_joint_uvconf')!.dims).toEqual([1, 8252, 36, 3]);
  });

  it('imports the fixture folder: 8,252 labels, one image present', async () => {
    const run = await openNyuImport(FIXTURES + 'nyu');
    const records = await collectImport(run);
    expect(run.dataset).toMatchObject({ format: 'nyu', skeleton: 'nyu14' });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      key: 'depth_1_0000001.png',
      width: 640,
      height: 480,
      line: 1,
      split: 'test',
    });
    expect(run.counts.skippedByReason).toEqual({ 'missing-image': 8251 });
    expect(run.errors[0]).toMatchObject({
      file: 'nyu_test_groundtruth_label.txt',
      line: 2,
      reason: 'missing-image',
    });
  });
});
