import { CAMERA_PRESETS, REFERENCE_CODE_INTRINSICS, uvdToXyz } from '@shared/camera';
import { describe, expect, it } from 'vitest';
import {
  cropAndNormalise,
  cropFrame,
  cropSide,
  denormaliseUvd,
  detectHandCentre,
  generateSynthFrame,
  normaliseUvd,
  referenceEvalCropSide,
} from '../../../src/main/datasets';

describe('crop size and denormalisation (spec T8, T9)', () => {
  it('T8: ICVL', () => {
    const camera = REFERENCE_CODE_INTRINSICS.icvl;
    expect(cropSide(camera, 300, 400)).toBe(181);
    expect(referenceEvalCropSide(camera, 300, 400)).toBe(181);
    const frame = { u: 150, v: 110, d: 400, side: 181, left: 0, top: 0 };
    const uvd = denormaliseUvd([0.1, -0.2, 0.05], frame, 300);
    expect(uvd[0]).toBeCloseTo(168.1, 9);
    expect(uvd[1]).toBeCloseTo(73.8, 9);
    expect(uvd[2]).toBeCloseTo(415, 9);
    const [x, y, z] = uvdToXyz(camera, uvd);
    expect(Math.hypot(x! - 14, y! + 80, z! - 417)).toBeCloseTo(2.04651194, 6);
    expect(cropSide(REFERENCE_CODE_INTRINSICS.nyu, 300, 400)).toBe(429);
  });

  it('T9: BigHand preprocessing vs evaluation crop side', () => {
    const camera = CAMERA_PRESETS.bighand.intrinsics;
    expect([cropSide(camera, 300, 400), referenceEvalCropSide(camera, 300, 400)]).toEqual([357, 357]);
    expect([cropSide(camera, 300, 500), referenceEvalCropSide(camera, 300, 500)]).toEqual([286, 285]);
    expect([cropSide(camera, 300, 600), referenceEvalCropSide(camera, 300, 600)]).toEqual([238, 238]);
    const at = (side: number) =>
      uvdToXyz(
        camera,
        denormaliseUvd([0.1, -0.2, 0.05], { u: 300, v: 250, d: 500, side, left: 0, top: 0 }, 300),
      );
    const [x285, y285, z285] = at(285);
    expect(x285).toBeCloseTo(13.61053071, 6);
    expect(y285).toBeCloseTo(-56.68234264, 6);
    expect(z285).toBe(515);
    const [x286, y286] = at(286);
    expect(x286).toBeCloseTo(13.71893671, 6);
    expect(y286).toBeCloseTo(-56.89915469, 6);
  });
});

describe('crop and normalisation', () => {
  const camera = CAMERA_PRESETS.icvl.intrinsics;

  it('crop → normalise → inverse returns joints to < 0.5 mm', () => {
    const frame = generateSynthFrame(3);
    const centre = detectHandCentre(frame, camera)!;
    const crop = cropFrame(camera, centre, 300)!;
    const back = uvdToXyz(camera, denormaliseUvd(normaliseUvd(frame.uvd, crop, 300), crop, 300));
    for (let i = 0; i < 63; i++) expect(Math.abs(back[i]! - frame.xyz[i]!)).toBeLessThan(0.5);
  });

  it('normalises depth to (d − D)/cube with missing pixels = 1 and resizes to the input size', () => {
    const depth = new Uint16Array(320 * 240);
    for (let v = 100; v < 140; v++) depth.fill(400, v * 320 + 140, v * 320 + 180); // a 40×40 patch at D
    const frame = cropFrame(camera, { u: 160, v: 120, d: 400 }, 300)!;
    expect(frame.side).toBe(Math.ceil((241.42 * 300) / 400));
    const crop = cropAndNormalise({ width: 320, height: 240, depth }, frame, { cubeMm: 300, inputSize: 32 });
    expect(crop).toHaveLength(32 * 32);
    expect(crop[16 * 32 + 16]).toBe(0); // centre of the patch: d = D
    expect(crop[0]).toBe(1); // background
  });

  it('pads by 100 px and rejects windows that leave the padded frame', () => {
    // S = 182 at 400 mm: left = floor(u − 91) must stay ≥ −100.
    expect(cropFrame(camera, { u: -9, v: 120, d: 400 }, 300)?.left ?? null).toBe(-100);
    expect(cropFrame(camera, { u: -10, v: 120, d: 400 }, 300)).toBeNull();
    expect(cropFrame(camera, { u: 160, v: 120, d: 0 }, 300)).toBeNull();
  });

  it('detects no hand in an empty frame', () => {
    expect(
      detectHandCentre({ width: 320, height: 240, depth: new Uint16Array(320 * 240) }, camera),
    ).toBeNull();
  });
});
