import { describe, expect, it } from 'vitest';
import {
  NO_AUGMENTATION,
  augmentBatch,
  augmentCrop,
  augmentTargets,
  augmentationOf,
  drawAugmentation,
  unaugmentTargets,
} from '../../../src/main/learner/models/deepprior/augment';
import { createRng } from '../../../src/shared/random';

describe('depth crop augmentation', () => {
  const targets = [0.1, -0.2, 0.05, -0.3, 0.25, -0.1, 0, 0, 0];
  const wide = { rotateDeg: 180, scale: 0.3, shift: 40 / 300 };

  it('maps targets by the documented formula', () => {
    const a = { angle: Math.PI / 2, scale: 2, du: 0.1, dv: 0.2, dd: 0.05 };
    // n_uv − t = (0, −0.4) → /2 = (0, −0.2) → R(90°) = (0.2, 0); depth (0.05 − 0.05)/2 = 0
    const out = augmentTargets(targets.slice(0, 3), a);
    expect(out[0]).toBeCloseTo(0.2, 15);
    expect(out[1]).toBeCloseTo(0, 15);
    expect(out[2]).toBe(0);
  });

  it('maps a joint exactly for an angle with an exact cosine (60°, scale 0.5)', () => {
    const a = { angle: Math.PI / 3, scale: 0.5, du: -0.1, dv: 0.1, dd: -0.2 };
    // (0.1 + 0.1, −0.2 − 0.1)/0.5 = (0.4, −0.6); R(60°): (0.2 + 0.3√3, 0.2√3 − 0.3); d (0.05 + 0.2)/0.5 = 0.5
    const out = augmentTargets(targets.slice(0, 3), a);
    expect(out[0]).toBeCloseTo(0.2 + 0.3 * Math.sqrt(3), 14);
    expect(out[1]).toBeCloseTo(0.2 * Math.sqrt(3) - 0.3, 14);
    expect(out[2]).toBeCloseTo(0.5, 15);
    const back = unaugmentTargets(out, a);
    expect(Array.from(back).map((v) => Number(v.toFixed(12)))).toEqual([0.1, -0.2, 0.05]);
  });

  it('undoes every augmentation exactly, in place too', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 50; trial++) {
      const a = drawAugmentation(wide, rng.next, rng.normal);
      const back = unaugmentTargets(augmentTargets(targets, a), a);
      back.forEach((value, i) => expect(value).toBeCloseTo(targets[i]!, 12));
      const inPlace = Float64Array.from(targets);
      augmentTargets(inPlace, a, inPlace);
      unaugmentTargets(inPlace, a, inPlace);
      inPlace.forEach((value, i) => expect(value).toBeCloseTo(targets[i]!, 12));
    }
  });

  it('composes: augmenting the un-augmented prediction gives back the augmented one', () => {
    const a = { angle: -0.4, scale: 1.15, du: 0.03, dv: -0.05, dd: 0.02 };
    const prediction = Float64Array.from([0.12, 0.3, -0.07, -0.2, 0.01, 0.2]);
    const again = augmentTargets(unaugmentTargets(prediction, a), a);
    again.forEach((value, i) => expect(value).toBeCloseTo(prediction[i]!, 14));
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
    const doubled = augmentCrop(crop, size, { ...NO_AUGMENTATION, scale: 2, dd: 0.01 });
    // Scale 2 around the centre: output (1, 1) reads input at (0.5, 0.5), the mean of pixels (0, 0), (1, 0), (0, 1)
    // and (1, 1) = (0 + 0.01 + 0.04 + 0.05)/4 = 0.025, then depth (0.025 − 0.01)/2 = 0.0075.
    expect(doubled[5]).toBeCloseTo(0.0075, 6);
  });

  it('shifts a crop by a whole pixel exactly, background coming in at the edge', () => {
    const size = 4;
    const crop = Float32Array.from({ length: size * size }, (_, i) => i / 100);
    // du = one pixel: output col c reads input col c + 1; the last column reads col 4, outside → background 1.
    const shifted = augmentCrop(crop, size, { ...NO_AUGMENTATION, du: 1 / size });
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size - 1; col++)
        expect(shifted[row * size + col]).toBeCloseTo(crop[row * size + col + 1]!, 6);
      expect(shifted[row * size + size - 1]).toBe(1);
    }
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
      return drawAugmentation({ rotateDeg: 30, scale: 0.2, shift: 15 / 300 }, rng.next, rng.normal);
    };
    expect(draw(5)).toEqual(draw(5));
    for (let seed = 0; seed < 100; seed++) {
      const a = draw(seed);
      expect(Math.abs(a.angle)).toBeLessThanOrEqual(Math.PI / 6);
      expect(a.scale).toBeGreaterThanOrEqual(1 / 1.2);
      expect(a.scale).toBeLessThanOrEqual(1.2);
    }
  });

  it('keys each sample’s augmentation by (seed, epoch, sample): fresh per epoch, the same wherever it is drawn', () => {
    expect(augmentationOf(wide, 7, 2, 11)).toEqual(augmentationOf(wide, 7, 2, 11));
    expect(augmentationOf(wide, 7, 3, 11)).not.toEqual(augmentationOf(wide, 7, 2, 11));
    expect(augmentationOf(wide, 8, 2, 11)).not.toEqual(augmentationOf(wide, 7, 2, 11));
    expect(augmentationOf(wide, 7, 2, 12)).not.toEqual(augmentationOf(wide, 7, 2, 11));
  });

  it('augments a gathered batch row by row with its sample’s own augmentation, whatever its place', () => {
    const size = 6;
    const outputs = 3;
    const crops = Float32Array.from({ length: 3 * size * size }, (_, i) => ((i * 7) % 13) / 20 - 0.3);
    const y = Float32Array.from({ length: 3 * outputs }, (_, i) => i / 50 - 0.1);
    const gather = (order: number[]) => ({
      x: Float32Array.from(
        order.flatMap((s) => Array.from(crops.subarray(s * size * size, (s + 1) * size * size))),
      ),
      y: Float32Array.from(order.flatMap((s) => Array.from(y.subarray(s * outputs, (s + 1) * outputs)))),
      count: order.length,
    });
    const first = gather([2, 0]);
    augmentBatch(first, size, wide, { seed: 1, epoch: 4, order: Int32Array.from([1, 2, 0]), start: 1 });
    const second = gather([0]);
    augmentBatch(second, size, wide, { seed: 1, epoch: 4, order: Int32Array.from([0]), start: 0 });
    // Sample 0 sits in row 1 of the first batch and row 0 of the second: same augmented crop and targets.
    expect(first.x.subarray(size * size)).toEqual(second.x);
    expect(first.y.subarray(outputs)).toEqual(second.y);
    const a = augmentationOf(wide, 1, 4, 2);
    expect(first.x.subarray(0, size * size)).toEqual(augmentCrop(crops.subarray(2 * size * size), size, a));
    const expected = Float32Array.from(augmentTargets(y.subarray(2 * outputs), a));
    first.y.subarray(0, outputs).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });
});
