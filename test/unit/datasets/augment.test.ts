import { describe, expect, it } from 'vitest';
import {
  NO_AUGMENTATION,
  augmentCrop,
  augmentTargets,
  drawAugmentation,
  unaugmentTargets,
} from '../../../src/main/datasets/preprocess/augment';
import { createRng } from '../../../src/shared/random';

describe('depth crop augmentation', () => {
  const targets = [0.1, -0.2, 0.05, -0.3, 0.25, -0.1, 0, 0, 0];

  it('maps targets by the documented formula', () => {
    const a = { angle: Math.PI / 2, scale: 2, du: 0.1, dv: 0.2, dd: 0.05 };
    // n_uv − t = (0, −0.4) → /2 = (0, −0.2) → R(90°) = (0.2, 0); depth (0.05 − 0.05)/2 = 0
    const out = augmentTargets(targets.slice(0, 3), a);
    expect(out[0]).toBeCloseTo(0.2, 15);
    expect(out[1]).toBeCloseTo(0, 15);
    expect(out[2]).toBe(0);
  });

  it('undoes every augmentation exactly', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 50; trial++) {
      const a = drawAugmentation({ rotateDeg: 180, scale: 0.3, shiftMm: 40 }, 300, rng.next, rng.normal);
      const back = unaugmentTargets(augmentTargets(targets, a), a);
      back.forEach((value, i) => expect(value).toBeCloseTo(targets[i]!, 12));
    }
  });

  it('leaves a crop unchanged without augmentation', () => {
    const crop = Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : i / 20 - 0.3));
    expect(Array.from(augmentCrop(crop, 4, NO_AUGMENTATION))).toEqual(Array.from(crop));
  });

  it('turns a crop by 90° as a pixel permutation, and shifts and scales depth values', () => {
    const size = 4;
    const crop = Float32Array.from({ length: size * size }, (_, i) => i / 100);
    const turned = augmentCrop(crop, size, { ...NO_AUGMENTATION, angle: Math.PI / 2 });
    // Output (row, col) reads input at q = R(−90°)·q': (qu, qv) → (qv, −qu), i.e. input col = row, row = 3 − col.
    for (let row = 0; row < size; row++)
      for (let col = 0; col < size; col++)
        expect(turned[row * size + col]).toBeCloseTo(crop[(size - 1 - col) * size + row]!, 6);
    const deeper = augmentCrop(crop, size, { ...NO_AUGMENTATION, dd: 0.02, scale: 1 });
    expect(deeper[5]).toBeCloseTo((0.05 - 0.02) / 1, 6);
  });

  it('keeps a joint on its pixel: the augmented target lands where the augmented crop has the mark', () => {
    const size = 32;
    const crop = new Float32Array(size * size).fill(1);
    const [row, col] = [10, 21];
    crop[row * size + col] = 0;
    const joint = [(col + 0.5) / size - 0.5, (row + 0.5) / size - 0.5, 0];
    const a = { angle: 0.7, scale: 1.3, du: 0.05, dv: -0.08, dd: 0 };
    const moved = augmentTargets(joint, a);
    const out = augmentCrop(crop, size, a);
    let best = { value: Infinity, row: -1, col: -1 };
    out.forEach((value, i) => {
      if (value < best.value) best = { value, row: Math.floor(i / size), col: i % size };
    });
    expect(Math.abs(best.col - ((moved[0]! + 0.5) * size - 0.5))).toBeLessThan(1);
    expect(Math.abs(best.row - ((moved[1]! + 0.5) * size - 0.5))).toBeLessThan(1);
  });

  it('draws within the ranges, deterministically from its random sources', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return drawAugmentation({ rotateDeg: 30, scale: 0.2, shiftMm: 15 }, 300, rng.next, rng.normal);
    };
    expect(draw(5)).toEqual(draw(5));
    for (let seed = 0; seed < 100; seed++) {
      const a = draw(seed);
      expect(Math.abs(a.angle)).toBeLessThanOrEqual(Math.PI / 6);
      expect(a.scale).toBeGreaterThanOrEqual(1 / 1.2);
      expect(a.scale).toBeLessThanOrEqual(1.2);
    }
  });
});
