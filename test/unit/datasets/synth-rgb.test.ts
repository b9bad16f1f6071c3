import { MPII16 } from '@shared/skeletons';
import { decode } from 'fast-png';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HUMAN_BONES,
  HUMAN_POSE_FAMILIES,
  MAX_PLACEMENT_ATTEMPTS,
  createHumanSynth,
  generateHumanFrame,
  insideOccluder,
  type HumanPoseFamily,
  type HumanSynthFrame,
} from '../../../src/main/datasets';
import { HUMAN_SYNTH_MANIFEST, writeHumanSynthDataset } from '../../../src/main/datasets/node';
import { withTempDir } from './fixtures';

const J = { headTop: 0, neck: 1, lShoulder: 2, lElbow: 3, lWrist: 4, rShoulder: 5, rElbow: 6, rWrist: 7 };
const J_HIPS = { lHip: 8, rHip: 11, lAnkle: 10, rAnkle: 13, pelvis: 14, thorax: 15 };

/** Upright, unrotated views, so image rows measure height on the body. */
const UPRIGHT = { rollDeg: [0, 0] as const, rollOutlierProbability: 0, pitchDeg: [0, 0] as const };

function frames(
  count: number,
  options: Parameters<typeof createHumanSynth>[0] = {},
  seed = 1,
): HumanSynthFrame[] {
  const generator = createHumanSynth(options);
  return Array.from({ length: count }, (_, i) => generator.frame(seed, i));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('synthetic RGB people: frames', () => {
  it('is deterministic for (seed, index) and differs between seeds and indices', () => {
    const a = generateHumanFrame(42, 3);
    const b = generateHumanFrame(42, 3);
    const c = generateHumanFrame(43, 3);
    const d = generateHumanFrame(42, 4);
    expect(b.rgba).toEqual(a.rgba);
    expect(b.joints).toEqual(a.joints);
    expect(b.headBox).toEqual(a.headBox);
    expect(createHumanSynth().frame(42, 3).rgba).toEqual(a.rgba);
    expect(c.rgba).not.toEqual(a.rgba);
    expect(c.joints).not.toEqual(a.joints);
    expect(d.joints).not.toEqual(a.joints);
    expect([a.width, a.height, a.rgba.length, a.joints.length]).toEqual([128, 128, 128 * 128 * 4, 16]);
    for (let i = 3; i < a.rgba.length; i += 4) if (a.rgba[i] !== 255) throw new Error('alpha must be 255');
  });

  it('keeps every joint inside the image with a margin, for any size, and the boxes around them', () => {
    for (const [width, height] of [
      [128, 128],
      [96, 160],
      [200, 80],
    ] as const) {
      const margin = Math.max(1, 0.03 * Math.min(width, height));
      for (const frame of frames(120, { width, height }, width)) {
        expect(frame.attempts).toBeGreaterThanOrEqual(1);
        expect(frame.attempts).toBeLessThanOrEqual(MAX_PLACEMENT_ATTEMPTS);
        for (const { u, v } of frame.joints) {
          expect(u).toBeGreaterThanOrEqual(margin - 1e-9);
          expect(u).toBeLessThanOrEqual(width - 1 - margin + 1e-9);
          expect(v).toBeGreaterThanOrEqual(margin - 1e-9);
          expect(v).toBeLessThanOrEqual(height - 1 - margin + 1e-9);
        }
        const [x, y, w, h] = frame.box;
        expect(w).toBeGreaterThan(0);
        expect(h).toBeGreaterThan(0);
        expect(x + w).toBeLessThanOrEqual(width - 1 + 1e-9);
        expect(y + h).toBeLessThanOrEqual(height - 1 + 1e-9);
        for (const { u, v } of frame.joints) {
          expect(u).toBeGreaterThanOrEqual(x);
          expect(u).toBeLessThanOrEqual(x + w);
          expect(v).toBeGreaterThanOrEqual(y);
          expect(v).toBeLessThanOrEqual(y + h);
        }
        // The head box is the drawn head oval's bounds: it holds the head top and the (upper) neck.
        const [x1, y1, x2, y2] = frame.headBox;
        for (const j of [J.headTop, J.neck]) {
          const { u, v } = frame.joints[j]!;
          expect(u).toBeGreaterThanOrEqual(x1);
          expect(u).toBeLessThanOrEqual(x2);
          expect(v).toBeGreaterThanOrEqual(y1);
          expect(v).toBeLessThanOrEqual(y2);
        }
        const diagonal = Math.hypot(x2 - x1, y2 - y1) / frame.view.scale;
        expect(diagonal).toBeGreaterThan(0.1);
        expect(diagonal).toBeLessThan(0.25);
      }
    }
  });

  it('shrinks a figure that never fits instead of looping', () => {
    for (const frame of frames(10, { statureFraction: [3, 4] })) {
      expect(frame.attempts).toBe(MAX_PLACEMENT_ATTEMPTS);
      // Shrunk to just fit the room inside the margins (98 % of it along the tighter axis).
      const us = frame.joints.map((joint) => joint.u);
      const vs = frame.joints.map((joint) => joint.v);
      const room = 127 - 2 * 0.03 * 128;
      const fill = Math.max(Math.max(...us) - Math.min(...us), Math.max(...vs) - Math.min(...vs)) / room;
      expect(fill).toBeGreaterThan(0.97);
      expect(fill).toBeLessThanOrEqual(1);
      for (const { u, v } of frame.joints) {
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(127);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(127);
      }
    }
  });

  it('keeps bone lengths inside the declared proportion ranges, in 3-D and as drawn', () => {
    expect(HUMAN_BONES.map(({ from, to }) => [from, to])).toEqual(MPII16.edges);
    const seen = HUMAN_BONES.map(() => [Infinity, -Infinity]);
    for (const frame of frames(200)) {
      HUMAN_BONES.forEach((bone, i) => {
        const length = frame.bones[i]!;
        expect(length).toBeGreaterThanOrEqual(bone.range[0] - 1e-9);
        expect(length).toBeLessThanOrEqual(bone.range[1] + 1e-9);
        seen[i]![0] = Math.min(seen[i]![0]!, length);
        seen[i]![1] = Math.max(seen[i]![1]!, length);
        // Orthographic projection never lengthens a bone.
        const a = frame.joints[bone.from]!;
        const b = frame.joints[bone.to]!;
        expect(Math.hypot(b.u - a.u, b.v - a.v)).toBeLessThanOrEqual(length * frame.view.scale + 1e-6);
      });
    }
    // Proportions really vary per figure (at least a third of each range is used).
    HUMAN_BONES.forEach((bone, i) => {
      expect(seen[i]![1]! - seen[i]![0]!).toBeGreaterThan((bone.range[1] - bone.range[0]) / 3);
    });
  });

  it("flags exactly the joints inside an occluder as 'occluded'", () => {
    let occluded = 0;
    let visible = 0;
    for (const frame of frames(150, { occluderProbability: 1, maxOccluders: 3 })) {
      expect(frame.occluders.length).toBeGreaterThan(0);
      for (const joint of frame.joints) {
        const covered = frame.occluders.some((o) => insideOccluder(o, joint.u, joint.v));
        expect(joint.visibility).toBe(covered ? 'occluded' : 'visible');
        if (covered) occluded++;
        else visible++;
      }
    }
    expect(occluded).toBeGreaterThan(100);
    expect(visible).toBeGreaterThan(occluded);
    for (const frame of frames(40, { occluderProbability: 0 })) {
      expect(frame.occluders).toEqual([]);
      expect(frame.joints.every((joint) => joint.visibility === 'visible')).toBe(true);
    }
  });

  it("puts the person's left on the image right when they face the camera, on the image left from behind", () => {
    const front = frames(40, { ...UPRIGHT, families: { standing: 1 }, yawDeg: [-25, 25] });
    const back = frames(40, { ...UPRIGHT, families: { standing: 1 }, yawDeg: [155, 205] });
    for (const frame of front) {
      expect(frame.facing).toBe('front');
      expect(frame.joints[J.lShoulder]!.u).toBeGreaterThan(frame.joints[J.rShoulder]!.u);
      expect(frame.joints[J_HIPS.lHip]!.u).toBeGreaterThan(frame.joints[J_HIPS.rHip]!.u);
    }
    for (const frame of back) {
      expect(frame.facing).toBe('back');
      expect(frame.joints[J.lShoulder]!.u).toBeLessThan(frame.joints[J.rShoulder]!.u);
      expect(frame.joints[J_HIPS.lHip]!.u).toBeLessThan(frame.joints[J_HIPS.rHip]!.u);
    }
    // Profiles: +90° yaw faces the image left with the left side towards the camera (nearer = smaller depth).
    for (const frame of frames(20, { ...UPRIGHT, families: { standing: 1 }, yawDeg: [80, 100] })) {
      expect(frame.facing).toBe('left');
      expect(frame.depth[J.lShoulder]!).toBeLessThan(frame.depth[J.rShoulder]!);
    }
  });

  it('draws the left sleeve brighter than the right one (the documented left/right colour cue)', () => {
    const luminance = (frame: HumanSynthFrame, from: number, to: number): number => {
      let sum = 0;
      for (const t of [0.35, 0.45, 0.55, 0.65]) {
        const a = frame.joints[from]!;
        const b = frame.joints[to]!;
        const p = 4 * (Math.round(a.v + t * (b.v - a.v)) * frame.width + Math.round(a.u + t * (b.u - a.u)));
        sum += 0.3 * frame.rgba[p]! + 0.59 * frame.rgba[p + 1]! + 0.11 * frame.rgba[p + 2]!;
      }
      return sum;
    };
    const sample = frames(40, {
      ...UPRIGHT,
      width: 192,
      height: 192,
      families: { standing: 1 },
      yawDeg: [-15, 15],
      occluderProbability: 0,
      maxDistractors: 0,
      noise: [0, 0],
    });
    const brighterLeft = sample.filter(
      (frame) => luminance(frame, J.lShoulder, J.lElbow) > luminance(frame, J.rShoulder, J.rElbow),
    ).length;
    expect(brighterLeft).toBeGreaterThanOrEqual(34);
  });

  it('pose families differ measurably', () => {
    const stats = (family: HumanPoseFamily) => {
      const sample = frames(60, { ...UPRIGHT, families: { [family]: 1 } });
      const mean = (f: (frame: HumanSynthFrame) => number): number =>
        sample.reduce((sum, frame) => sum + f(frame), 0) / sample.length;
      const v = (frame: HumanSynthFrame, j: number): number => frame.joints[j]!.v / frame.view.scale;
      return {
        family: sample.every((frame) => frame.family === family),
        // Wrists above the shoulders (positive) or below them, in stature units.
        wristLift: mean(
          (frame) =>
            (v(frame, J.lShoulder) + v(frame, J.rShoulder) - v(frame, J.lWrist) - v(frame, J.rWrist)) / 2,
        ),
        // Pelvis to ankles, vertically.
        legDrop: mean(
          (frame) => (v(frame, J_HIPS.lAnkle) + v(frame, J_HIPS.rAnkle)) / 2 - v(frame, J_HIPS.pelvis),
        ),
      };
    };
    const standing = stats('standing');
    const raised = stats('arms_raised');
    const squatting = stats('squatting');
    expect([standing.family, raised.family, squatting.family]).toEqual([true, true, true]);
    expect(standing.wristLift).toBeLessThan(-0.2);
    expect(raised.wristLift).toBeGreaterThan(0.1);
    expect(standing.legDrop).toBeGreaterThan(0.4);
    expect(squatting.legDrop).toBeLessThan(standing.legDrop - 0.15);
    // Every family is drawn when all are weighted.
    const drawn = new Set(frames(200).map((frame) => frame.family));
    expect([...drawn].sort()).toEqual([...HUMAN_POSE_FAMILIES].sort());
  });
});

describe('synthetic RGB people: COCO writer', () => {
  const OPTIONS = {
    seed: 5,
    size: { width: 64, height: 48 },
    splits: [
      { name: 'train' as const, frames: 6 },
      { name: 'test' as const, frames: 3, families: { kicking: 1 } },
    ],
  };

  it('writes COCO keypoints with MPII16 names, a 1-based skeleton, head boxes and decodable PNGs', async () => {
    await withTempDir(async (dir) => {
      const progress: number[] = [];
      const manifest = await writeHumanSynthDataset(dir, {
        ...OPTIONS,
        onProgress: (done) => progress.push(done),
      });
      expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await listFiles(dir)).toEqual([
        'annotations/person_keypoints_test.json',
        'annotations/person_keypoints_train.json',
        'images/test/000001.png',
        'images/test/000002.png',
        'images/test/000003.png',
        ...[1, 2, 3, 4, 5, 6].map((i) => `images/train/00000${i}.png`),
        HUMAN_SYNTH_MANIFEST,
      ]);
      const onDisk = JSON.parse(await readFile(join(dir, HUMAN_SYNTH_MANIFEST), 'utf8'));
      expect(onDisk).toEqual(manifest);
      expect(manifest).toMatchObject({ format: 'poseloop-synth-rgb', seed: 5, width: 64, height: 48 });
      expect(manifest.splits.map((split) => [split.name, split.frames])).toEqual([
        ['train', 6],
        ['test', 3],
      ]);
      expect(manifest.familyCounts.kicking).toBeGreaterThanOrEqual(3);

      let frameIndex = 0;
      for (const split of OPTIONS.splits) {
        const coco = JSON.parse(
          await readFile(join(dir, `annotations/person_keypoints_${split.name}.json`), 'utf8'),
        );
        expect(coco.categories).toHaveLength(1);
        const [category] = coco.categories;
        expect(category).toMatchObject({ id: 1, name: 'person', supercategory: 'person' });
        expect(category.keypoints).toEqual([...MPII16.joints]);
        expect(category.skeleton).toEqual(MPII16.edges.map(([a, b]) => [a + 1, b + 1]));
        expect(Math.min(...category.skeleton.flat())).toBe(1);
        expect(Math.max(...category.skeleton.flat())).toBe(16);
        expect(coco.images).toHaveLength(split.frames);
        expect(coco.annotations).toHaveLength(split.frames);
        for (const [i, image] of coco.images.entries()) {
          expect(image).toEqual({ id: i + 1, file_name: `00000${i + 1}.png`, width: 64, height: 48 });
          const annotation = coco.annotations[i];
          expect(annotation).toMatchObject({
            id: i + 1,
            image_id: i + 1,
            category_id: 1,
            iscrowd: 0,
            num_keypoints: 16,
          });
          // Same frame as the pure generator (keypoints rounded to 1/100 px).
          const frame = generateHumanFrame(5, frameIndex++, {
            width: 64,
            height: 48,
            ...('families' in split ? { families: split.families } : {}),
          });
          expect(annotation.poseloop_family).toBe(frame.family);
          expect(annotation.keypoints).toHaveLength(48);
          frame.joints.forEach((joint, j) => {
            expect(annotation.keypoints[3 * j]).toBeCloseTo(joint.u, 2);
            expect(annotation.keypoints[3 * j + 1]).toBeCloseTo(joint.v, 2);
            expect(annotation.keypoints[3 * j + 2]).toBe(joint.visibility === 'visible' ? 2 : 1);
          });
          expect(annotation.bbox).toHaveLength(4);
          expect(annotation.bbox[2]).toBeGreaterThan(0);
          expect(annotation.area).toBeCloseTo(annotation.bbox[2] * annotation.bbox[3], 1);
          const [x1, y1, x2, y2] = annotation.head_box;
          expect(x2).toBeGreaterThan(x1);
          expect(y2).toBeGreaterThan(y1);

          const png = decode(await readFile(join(dir, 'images', split.name, image.file_name)));
          expect([png.width, png.height, png.channels, png.depth]).toEqual([64, 48, 3, 8]);
          for (let p = 0; p < 64 * 48; p += 97)
            for (let c = 0; c < 3; c++) expect(png.data[3 * p + c]).toBe(frame.rgba[4 * p + c]);
        }
      }
    });
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    await withTempDir(async (dir) => {
      await writeHumanSynthDataset(join(dir, 'a'), OPTIONS);
      await writeHumanSynthDataset(join(dir, 'b'), OPTIONS);
      await writeHumanSynthDataset(join(dir, 'c'), { ...OPTIONS, seed: 6 });
      const files = await listFiles(join(dir, 'a'));
      expect(await listFiles(join(dir, 'b'))).toEqual(files);
      let differing = 0;
      for (const file of files) {
        const a = await readFile(join(dir, 'a', file));
        expect(a.equals(await readFile(join(dir, 'b', file)))).toBe(true);
        if (!a.equals(await readFile(join(dir, 'c', file)))) differing++;
      }
      expect(differing).toBeGreaterThanOrEqual(files.length - 1); // all but maybe the manifest's layout
    });
  });

  it('leaves no annotation JSON, manifest or temp file when aborted', async () => {
    await withTempDir(async (dir) => {
      const controller = new AbortController();
      const run = writeHumanSynthDataset(dir, {
        ...OPTIONS,
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 7) controller.abort(new Error('stop'));
        },
      });
      await expect(run).rejects.toThrow('stop');
      const files = await listFiles(dir);
      expect(files.filter((file) => file.endsWith('.png'))).toHaveLength(7);
      expect(files.filter((file) => !file.endsWith('.png'))).toEqual([]);

      const aborted = new AbortController();
      aborted.abort();
      await expect(
        writeHumanSynthDataset(join(dir, 'never'), { ...OPTIONS, signal: aborted.signal }),
      ).rejects.toThrow();
      await expect(readdir(join(dir, 'never'))).rejects.toThrow();
    });
  });
});
