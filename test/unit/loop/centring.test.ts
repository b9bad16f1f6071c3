import { describe, expect, it } from 'vitest';
import type { CropFrame } from '../../../src/main/datasets';
import { normaliseUvd } from '../../../src/main/datasets';
import type { CropGeometry } from '../../../src/main/learner';
import { meanCentreErrorMm, refinedCentres, uvdCentroid } from '../../../src/main/loop/depth/centring';

/** A crop centred at (160, 120) px, 500 mm, 100 px wide; cube 300 mm; fx = fy = 250, principal point (160, 120). */
const FRAME: CropFrame = { u: 160, v: 120, d: 500, side: 100, left: 110, top: 70 };
const CUBE = 300;
const geometryOf = (frames: CropFrame[]): CropGeometry => ({
  centre: Float64Array.from(frames.flatMap((f) => [f.u, f.v, f.d])),
  cropSize: Float64Array.from(frames.map((f) => f.side)),
  cube: new Float64Array(frames.length).fill(CUBE),
  intrinsics: Float64Array.from(frames.flatMap(() => [250, 250, 160, 120])),
});

describe('refined crop centres', () => {
  it('averages joint-major uvd rows', () => {
    expect(uvdCentroid([1, 2, 300, 3, 6, 600])).toEqual({ u: 2, v: 4, d: 450 });
    expect(uvdCentroid([9, 9, 9, 1, 2, 300, 3, 6, 600], 3, 6)).toEqual({ u: 2, v: 4, d: 450 });
  });

  it('re-centres each crop on its predicted joints’ centroid, in image px and mm', () => {
    // Row 0: joints at n = (0.1, −0.2, 0.05) and (0.3, 0, −0.05): centroid n = (0.2, −0.1, 0)
    //   → (160 + 0.2·100, 120 − 0.1·100, 500 + 0) = (180, 110, 500).
    // Row 1 (crop 80 px at 600 mm): joints (−0.25, 0.25, 0.1) and (−0.25, 0.25, 0.1) → (140 − 20, 90 + 20, 630).
    const second: CropFrame = { u: 140, v: 90, d: 600, side: 80, left: 100, top: 50 };
    const predicted = Float32Array.from([0.1, -0.2, 0.05, 0.3, 0, -0.05, -0.25, 0.25, 0.1, -0.25, 0.25, 0.1]);
    const centres = refinedCentres(predicted, [FRAME, second], 6, CUBE);
    expect(centres[0]!.u).toBeCloseTo(180, 4);
    expect(centres[0]!.v).toBeCloseTo(110, 4);
    expect(centres[0]!.d).toBeCloseTo(500, 4);
    expect(centres[1]!.u).toBeCloseTo(120, 4);
    expect(centres[1]!.v).toBeCloseTo(110, 4);
    expect(centres[1]!.d).toBeCloseTo(630, 4);
  });

  it('a perfect first prediction re-centres the crop on the labelled centroid: centre error 0', () => {
    // One depth for all joints: then the uvd centroid is the camera-space centroid's projection exactly (with
    // joints at different depths the two differ by perspective, about 1 mm on a hand).
    const uvd = Float64Array.from([170, 100, 500, 190, 130, 500, 180, 130, 500]);
    const truth = Float32Array.from(normaliseUvd(uvd, FRAME, CUBE));
    const [centre] = refinedCentres(truth, [FRAME], 9, CUBE);
    expect(centre!.u).toBeCloseTo(180, 4);
    expect(centre!.v).toBeCloseTo(120, 4);
    expect(centre!.d).toBeCloseTo(500, 4);
    const refined = { ...FRAME, ...centre! };
    const again = Float32Array.from(normaliseUvd(uvd, refined, CUBE));
    expect(meanCentreErrorMm(again, geometryOf([refined]), 1)).toBeCloseTo(0, 3);
  });

  it('measures the centre error in camera mm against the joints’ centroid', () => {
    // Both joints at depth 500 mm, 25 px right of the centre and 0 / 0 px down → x = 25·500/250 = 50 mm: error 50.
    // Second frame: joints 30 mm in front of the centre, on its line of sight: error 30. Mean 40.
    const first = Float32Array.from([0.25, 0, 0, 0.25, 0, 0]);
    const second = Float32Array.from([0, 0, -0.1, 0, 0, -0.1]);
    const truth = Float32Array.from([...first, ...second]);
    const onAxis: CropFrame = { ...FRAME, u: 160, v: 120 };
    expect(meanCentreErrorMm(first, geometryOf([FRAME]), 1)).toBeCloseTo(50, 5);
    expect(meanCentreErrorMm(truth, geometryOf([FRAME, onAxis]), 2)).toBeCloseTo(40, 5);
  });
});
