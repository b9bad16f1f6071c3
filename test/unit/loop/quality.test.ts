import { describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import type { PersonCrop } from '../../../src/main/datasets';
import type { CropGeometry, HeatmapPrediction } from '../../../src/main/learner';
import { aggregatePasses } from '../../../src/main/learner/mc_stats';
import { calibrate, storedScales, withScales } from '../../../src/main/loop/calibration';
import { ringSigmas } from '../../../src/main/loop/common/prediction-view';
import {
  median,
  qualityMetrics,
  validationMetrics,
  validationReport,
} from '../../../src/main/loop/common/suggestion-quality';
import { varianceToImageSpace } from '../../../src/main/loop/depth/geometry';
import { depthJointMeasures } from '../../../src/main/loop/depth/quality';
import { heatmapJointMeasures } from '../../../src/main/loop/rgb/quality';

const joint = (u: number | null, v: number | null): Joint => ({
  u,
  v,
  d: null,
  visibility: u === null ? 'absent' : 'visible',
  state: 'accepted',
});

describe('aleatoric units, end to end', () => {
  it('shows the reference loss’s scale e^s as σ = e^s × crop side, not √(e^s) × side', () => {
    // Every pass predicts s = ln 0.02 for u and ln 0.01 for v: σ_u = 0.02 crop sides. On a 150 px crop that is
    // 3 px. (Stored as a scale, it came out as √0.02 × 150 = 21.2 px: 7× too large.)
    const passes = Array.from({ length: 3 }, () => Float32Array.from([0.1, 0.2, 0]));
    const logVars = Array.from({ length: 3 }, () => Float32Array.from([Math.log(0.02), Math.log(0.01), 0]));
    const stats = aggregatePasses(passes, { logVars, loss: 'reference' });
    const stored = varianceToImageSpace(stats.aleatoric!, 0, 3, 150, 300);
    expect(stored[0]).toBeCloseTo(9, 4);
    expect(stored[1]).toBeCloseTo(2.25, 4);
    expect(ringSigmas({ std: new Float32Array(3), aleatoric: stored }, 0).aleatoricPx).toBeCloseTo(3, 5);
    // The Gaussian loss's e^s is already a variance: s = ln 0.0004 is σ = 0.02, the same 3 px ring.
    const gaussian = aggregatePasses(passes, {
      logVars: logVars.map(() => Float32Array.from([Math.log(0.0004), Math.log(0.0001), 0])),
      loss: 'gaussian',
    });
    const ring = ringSigmas(
      { std: new Float32Array(3), aleatoric: varianceToImageSpace(gaussian.aleatoric!, 0, 3, 150, 300) },
      0,
    );
    expect(ring.aleatoricPx).toBeCloseTo(3, 5);
  });

  it('draws the larger of the u and v std as the ring and keeps the depth std', () => {
    expect(ringSigmas({ std: [2, 3, 7], aleatoric: null }, 0)).toEqual({
      stdPx: 3,
      stdMm: 7,
      aleatoricPx: null,
    });
    expect(ringSigmas({ std: [0, 0, 0, 4, 1, 5], aleatoric: [0, 0, 0, 9, 16, 0] }, 1)).toEqual({
      stdPx: 4,
      stdMm: 5,
      aleatoricPx: 4,
    });
  });
});

describe('calibrated σ with the checkpoint', () => {
  it('reads the stored scales (1 where missing or unusable) and applies σ × c, variance × c²', () => {
    expect(storedScales({ sigmaScale: 2.5, aleatoricScale: 0.5 })).toEqual({ sigma: 2.5, aleatoric: 0.5 });
    expect(storedScales({ sigmaScale: null, aleatoricScale: -1 })).toEqual({ sigma: 1, aleatoric: 1 });
    expect(storedScales(undefined)).toEqual({ sigma: 1, aleatoric: 1 });
    const row = { sampleId: 4, std: Float32Array.from([1, 2, 4]), aleatoric: Float32Array.from([4, 9, 1]) };
    const scaled = withScales(row, { sigma: 2.5, aleatoric: 0.5 });
    expect(Array.from(scaled.std)).toEqual([2.5, 5, 10]);
    expect(Array.from(scaled.aleatoric!)).toEqual([1, 2.25, 0.25]);
    expect(scaled.sampleId).toBe(4);
    expect(Array.from(row.std)).toEqual([1, 2, 4]);
    expect(
      withScales({ std: Float32Array.from([1]), aleatoric: null }, { sigma: 3, aleatoric: 3 }).aleatoric,
    ).toBeNull();
  });
});

describe('suggestion quality on the validation split', () => {
  it('takes the median of an odd and an even count', () => {
    expect(median([9, 1, 4])).toBe(4);
    expect(median([10, 3, 6, 10.5])).toBe(8);
    expect(median([])).toBeNaN();
  });

  it('reports median errors, the share within 10 px and both calibrations', () => {
    // Errors 3, 6, 10, 10.5 px; σ 1, 2, 0, 3.5: ratios 3, 3, ∞, 3 (the σ = 0 joint cannot be calibrated).
    const report = validationReport({
      samples: 2,
      errorPx: [3, 6, 10, 10.5],
      errorMm: [5, 1, 2, 7],
      sigmaPx: [1, 2, 0, 3.5],
      aleatoricPx: [3, 6, 10, 10.5],
    })!;
    expect(report).toMatchObject({
      samples: 2,
      joints: 4,
      medianErrorMm: 3.5,
      medianErrorPx: 8,
      within10Px: 0.75,
    });
    // All usable ratios are 3: c just above 1.5 puts every joint inside 2σ and none inside 1σ, the closest the
    // counts can come to (39.3 %, 86.5 %) — c = 3 would put them all inside 1σ too.
    expect(report.sigma!.joints).toBe(3);
    expect(report.sigma!.scale).toBeCloseTo(1.5, 8);
    expect(report.sigma!.before).toEqual({ within1Sigma: 0, within2Sigma: 0 });
    expect(report.sigma!.after).toEqual({ within1Sigma: 0, within2Sigma: 1 });
    // Aleatoric σ equal to the errors: every ratio is 1, so c just above 0.5 (all inside 2σ, none inside 1σ).
    expect(report.aleatoric).toEqual(calibrate([1, 1, 1, 1]));
    expect(report.aleatoric!.scale).toBeCloseTo(0.5, 8);

    expect(qualityMetrics(report)).toEqual({
      valMedianErrorMm: 3.5,
      valMedianErrorPx: 8,
      valWithin10Px: 0.75,
      sigmaScale: report.sigma!.scale,
      sigmaCoverage1: 0,
      sigmaCoverage2: 1,
    });
    expect(validationMetrics(report)).toMatchObject({
      sigmaCoverage1Raw: 0,
      sigmaCoverage2Raw: 0,
      aleatoricScale: report.aleatoric!.scale,
      aleatoricCoverage1: 0,
      aleatoricCoverage2: 1,
    });
  });

  it('has nothing to report without joints, and no calibration without σ', () => {
    expect(
      validationReport({ samples: 0, errorPx: [], errorMm: null, sigmaPx: [], aleatoricPx: null }),
    ).toBeNull();
    const plain = validationReport({
      samples: 1,
      errorPx: [12],
      errorMm: null,
      sigmaPx: [0],
      aleatoricPx: null,
    })!;
    expect(plain).toMatchObject({
      medianErrorMm: null,
      medianErrorPx: 12,
      within10Px: 0,
      sigma: null,
      aleatoric: null,
    });
    expect(Object.values(validationMetrics(null)).every((v) => v === null)).toBe(true);
  });
});

describe('per-joint measures', () => {
  it('depth: px error and σ × crop side, 3-D error in mm through the camera', () => {
    // One frame: centre (160, 120) px at 500 mm, 100 px crop, 320 mm cube, fx = fy = 200, principal point at the centre.
    const geometry: CropGeometry = {
      centre: Float64Array.from([160, 120, 500]),
      cropSize: Float64Array.from([100]),
      cube: Float64Array.from([320]),
      intrinsics: Float64Array.from([200, 200, 160, 120]),
    };
    const measures = depthJointMeasures(
      {
        // Joint 0 is 3 px right and 4 px down of the truth (the centre); joint 1 is 32 mm too deep.
        mean: Float32Array.from([0.03, 0.04, 0, 0, 0, 0.1]),
        std: Float32Array.from([0.01, 0.02, 0.5, 0, 0, 0]),
        aleatoric: Float32Array.from([0.0004, 0.0001, 9, 0.0009, 0.0016, 0]),
      },
      new Float32Array(6),
      geometry,
      1,
    );
    expect(measures.samples).toBe(1);
    expect(Array.from(measures.errorPx).map((v) => +v.toFixed(6))).toEqual([5, 0]);
    // (3, 4) px at 500 mm and fx = 200: (7.5, 10) mm off, 12.5 mm; 0.1 × 320 = 32 mm in depth.
    expect(Array.from(measures.errorMm!).map((v) => +v.toFixed(6))).toEqual([12.5, 32]);
    expect(Array.from(measures.sigmaPx).map((v) => +v.toFixed(6))).toEqual([2, 0]);
    expect(Array.from(measures.aleatoricPx!).map((v) => +v.toFixed(6))).toEqual([2, 4]);
  });

  it('RGB: image px error and σ of the present joints (absent ones left out)', () => {
    // A 66 px crop at (10, 20) resampled to 33 px (2 image px per crop px), 9-cell grid (8 image px per cell).
    const crop: PersonCrop = { x0: 10, y0: 20, side: 66 };
    const prediction = {
      joints: 2,
      inputSize: 33,
      gridSize: 9,
      location: Float32Array.from([9.5, 1.5, 0, 0]),
      locationStd: Float32Array.from([0.5, 0.25, 0, 0]),
      aleatoricLogVar: Float32Array.from([0, 0]),
    } as unknown as HeatmapPrediction;
    // The prediction lands at (13.5, 39.5) image px; the label is at (16.5, 43.5): 5 px away.
    const measures = heatmapJointMeasures(prediction, [[joint(16.5, 43.5), joint(null, null)]], [crop]);
    expect(measures).toEqual({
      samples: 1,
      errorPx: [5],
      errorMm: null,
      sigmaPx: [1],
      aleatoricPx: [Math.sqrt(32)],
    });
  });
});
