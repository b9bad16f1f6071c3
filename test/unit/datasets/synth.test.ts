import { CAMERA_PRESETS } from '@shared/camera';
import { createRng } from '@shared/random';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  POSE_FAMILIES,
  createSynthGenerator,
  detectHandCentre,
  generateSynthFrame,
  parseIcvlLine,
  parseLines,
} from '../../../src/main/datasets';
import {
  collectImport,
  loadDepth,
  openGenericImport,
  writeSynthDataset,
} from '../../../src/main/datasets/node';
import { withTempDir } from './fixtures';

const WRIST_AND_MCPS = [0, 5, 9, 13, 17];

describe('synthetic depth hands', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateSynthFrame(42);
    const b = generateSynthFrame(42);
    const c = generateSynthFrame(43);
    expect(b.depth).toEqual(a.depth);
    expect(b.uvd).toEqual(a.uvd);
    expect(b.family).toBe(a.family);
    expect(c.uvd).not.toEqual(a.uvd);
    expect([a.width, a.height, a.depth.length, a.uvd.length, a.xyz.length]).toEqual([
      320,
      240,
      320 * 240,
      63,
      63,
    ]);
  });

  it('renders the hand where its joints project: surface 0–45 mm in front of the wrist and MCPs', () => {
    const generator = createSynthGenerator({ families: { open: 1 }, randomDropout: 0, edgeDropout: 0 });
    let checked = 0;
    let onSurface = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const frame = generator.next(createRng(seed));
      for (const j of WRIST_AND_MCPS) {
        const [u, v, d] = [
          Math.round(frame.uvd[3 * j]!),
          Math.round(frame.uvd[3 * j + 1]!),
          frame.uvd[3 * j + 2]!,
        ];
        if (u < 0 || v < 0 || u >= frame.width || v >= frame.height) continue;
        checked++;
        const surface = frame.depth[v * frame.width + u]!;
        if (surface > 0 && d - surface >= -3 && d - surface <= 45) onSurface++;
      }
    }
    expect(checked).toBeGreaterThan(150);
    expect(onSurface / checked).toBeGreaterThan(0.85); // the rest is hidden behind fingers or the thumb
  });

  it('pose families differ: fingertips sit far from the wrist in open hands, close in fists', () => {
    const tipReach = (family: (typeof POSE_FAMILIES)[number]) => {
      const generator = createSynthGenerator({ families: { [family]: 1 } });
      let sum = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const { xyz } = generator.next(createRng(seed));
        for (const tip of [8, 12, 16, 20])
          sum += Math.hypot(
            xyz[3 * tip]! - xyz[0]!,
            xyz[3 * tip + 1]! - xyz[1]!,
            xyz[3 * tip + 2]! - xyz[2]!,
          );
      }
      return sum / 80;
    };
    const open = tipReach('open');
    const fist = tipReach('fist');
    expect(open).toBeGreaterThan(150);
    expect(fist).toBeLessThan(110);
    expect(tipReach('point')).toBeGreaterThan(fist);
    for (const family of POSE_FAMILIES)
      expect(generateSynthFrame(7, { families: { [family]: 1 } }).family).toBe(family);
  });

  it('uses the camera it is given, and the detector finds the hand', () => {
    for (const camera of ['nyu', 'bighand'] as const) {
      const frame = generateSynthFrame(5, { camera });
      expect([frame.width, frame.height]).toEqual([640, 480]);
      expect(frame.intrinsics).toEqual(CAMERA_PRESETS[camera].intrinsics);
      const centre = detectHandCentre(frame, frame.intrinsics)!;
      const palm = frame.uvd.subarray(27, 30); // middle MCP
      expect(Math.hypot(centre.u - palm[0]!, centre.v - palm[1]!)).toBeLessThan(80);
    }
  });

  it('adds a background plane when asked, else leaves 0 around the hand', () => {
    const plain = generateSynthFrame(9);
    const withPlane = generateSynthFrame(9, { background: { offsetMm: [200, 300], tiltDeg: 10 } });
    expect(plain.depth[0]).toBe(0);
    expect(withPlane.depth[0]).toBeGreaterThan(plain.uvd[2]!);
  });
});

describe('synthetic dataset writer', () => {
  it('writes an ICVL-like folder that the generic importer reads back exactly', async () => {
    await withTempDir(async (root) => {
      const manifest = await writeSynthDataset(root, {
        seed: 11,
        splits: [
          { name: 'train', frames: 6, families: { open: 1, fist: 1 } },
          { name: 'test', frames: 3, families: { pinch: 1 } },
        ],
      });
      expect((await readdir(root)).sort()).toEqual(['Depth', 'poseloop-synth.json', 'test.txt', 'train.txt']);
      expect(manifest.frames!.slice(6).every((frame) => frame.family === 'pinch')).toBe(true);

      const run = await openGenericImport(root, { checkImages: 'decode' });
      const records = await collectImport(run);
      expect(run.dataset).toMatchObject({ format: 'generic', skeleton: 'hand21', name: 'synthetic hands' });
      expect(run.dataset.intrinsics).toEqual(CAMERA_PRESETS.icvl.intrinsics);
      expect(records).toHaveLength(9);
      expect(run.errors).toEqual([]);
      expect(records[6]).toMatchObject({ key: 'Depth/test/image_00000.png', split: 'test', tags: ['pinch'] });
      records.forEach((record, i) => {
        const uvd = manifest.frames![i]!.uvd!;
        record.joints!.forEach((joint, j) =>
          expect([joint.u, joint.v, joint.d]).toEqual(uvd.slice(3 * j, 3 * j + 3)),
        );
      });

      const labels = parseLines(await readFile(join(root, 'train.txt'), 'utf8'), 'train.txt', (line, n) =>
        parseIcvlLine(line, n, 21),
      );
      expect(labels.issues).toEqual([]);
      expect(Array.from(labels.entries[2]!.uvd)).toEqual(manifest.frames![2]!.uvd);

      const again = generateSynthFrame(createRng((11 ^ Math.imul(1, 0x9e3779b1)) >>> 0), {
        families: { open: 1, fist: 1 },
      });
      expect((await loadDepth(root, records[0]!)).depth).toEqual(again.depth);
    });
  });
});
