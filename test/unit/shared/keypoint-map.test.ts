import { describe, expect, it } from 'vitest';
import { COCO17, LSP14, MPII16 } from '../../../src/shared/skeletons';
import { COCO_KEYPOINTS, mapCocoKeypoints, type ScoredPoint } from '../../../src/shared/pose2d/keypoint-map';

/** An upright person: shoulders at v = 100, ears at v = 50, hips at v = 200; keypoint k has score 0.9. */
function person(
  overrides: Partial<Record<(typeof COCO_KEYPOINTS)[number], ScoredPoint>> = {},
): ScoredPoint[] {
  const at: Record<string, [number, number]> = {
    nose: [100, 55],
    l_eye: [104, 48],
    r_eye: [96, 48],
    l_ear: [110, 50],
    r_ear: [90, 50],
    l_shoulder: [130, 100],
    r_shoulder: [70, 100],
    l_elbow: [140, 150],
    r_elbow: [60, 150],
    l_wrist: [142, 190],
    r_wrist: [58, 190],
    l_hip: [120, 200],
    r_hip: [80, 200],
    l_knee: [122, 260],
    r_knee: [78, 260],
    l_ankle: [124, 320],
    r_ankle: [76, 320],
  };
  return COCO_KEYPOINTS.map((name) => overrides[name] ?? { u: at[name]![0], v: at[name]![1], score: 0.9 });
}

describe('mapCocoKeypoints', () => {
  it('copies COCO17 as is, nothing derived', () => {
    const mapped = mapCocoKeypoints(person(), COCO17);
    expect(mapped).toHaveLength(17);
    expect(mapped.every((j) => j !== null && !j.derived)).toBe(true);
    expect(mapped[5]).toEqual({ u: 130, v: 100, score: 0.9, derived: false });
  });

  it('derives head top, neck, pelvis and thorax for MPII16 by the documented rules', () => {
    const mapped = mapCocoKeypoints(person(), MPII16);
    const byName = Object.fromEntries(MPII16.joints.map((name, j) => [name, mapped[j]]));
    // shoulders (100, 100), ears (100, 50): neck = 100 + 0.6·(50 − 100) = 70; head top = 50 − 0.6·50 = 20
    expect(byName['neck']).toEqual({ u: 100, v: 70, score: 0.9, derived: true });
    expect(byName['head_top']).toEqual({ u: 100, v: 20, score: 0.9, derived: true });
    expect(byName['thorax']).toEqual({ u: 100, v: 100, score: 0.9, derived: true });
    expect(byName['pelvis']).toEqual({ u: 100, v: 200, score: 0.9, derived: true });
    expect(byName['l_wrist']).toEqual({ u: 142, v: 190, score: 0.9, derived: false });
    expect(byName['r_ankle']).toEqual({ u: 76, v: 320, score: 0.9, derived: false });
  });

  it('falls back from the ears to the eyes and leaves a joint out when its inputs are not confident', () => {
    const noEars = person({ l_ear: { u: 0, v: 0, score: 0.1 }, r_ear: { u: 0, v: 0, score: 0.1 } });
    const neck = mapCocoKeypoints(noEars, LSP14, 0.3)[1]!;
    // eyes (100, 48): neck = 100 + 0.6·(48 − 100) = 68.8
    expect(neck.u).toBe(100);
    expect(neck.v).toBeCloseTo(68.8, 12);
    const blind = noEars.map((p, k) => (k < 5 || k === 5 || k === 6 ? { ...p, score: 0.1 } : p));
    const mapped = mapCocoKeypoints(blind, LSP14, 0.3);
    expect(mapped[0]).toBeNull();
    expect(mapped[1]).toBeNull();
    expect(mapped[2]).toEqual({ u: 130, v: 100, score: 0.1, derived: false });
  });

  it('takes the weakest input score for a derived joint and uses one ear when the other is missing', () => {
    const oneEar = person({ r_ear: { u: 0, v: 0, score: 0 }, l_hip: { u: 120, v: 200, score: 0.4 } });
    const mapped = mapCocoKeypoints(oneEar, MPII16, 0.3);
    // head centre = the left ear (110, 50); shoulders (100, 100): head top = (110 + 0.6·10, 50 − 30)
    expect(mapped[0]!.u).toBeCloseTo(116, 12);
    expect(mapped[0]!.v).toBeCloseTo(20, 12);
    expect(mapped[14]).toEqual({ u: 100, v: 200, score: 0.4, derived: true });
  });

  it('refuses a keypoint list of the wrong length', () => {
    expect(() => mapCocoKeypoints(person().slice(1), MPII16)).toThrow(/expected 17 COCO keypoints, got 16/);
  });
});
