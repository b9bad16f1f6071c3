/** Label QC (src/shared/pose2d/label-qc.ts): the proportion statistic in image px and the false-alarm rules. */
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  labelQcSet,
  MIN_CALIBRATION_LINKS,
  normalQuantile,
  type GridPoint,
  type LabelQcSample,
} from '@shared/pose2d';
import { MPII16, jointIndex } from '@shared/skeletons';

const joint = (name: string): number => jointIndex(MPII16, name);
/** Φ⁻¹(1 − 0.005 / 15) and Φ⁻¹(1 − 0.005): the length and swap limits at α = 1 % for MPII's 15 links. */
const LIMIT_Z = 3.4029328353853345;
const SWAP_Z = 2.5758293035489;
/** 1.4826 · MAD of the leaf links' log-proportions in BASE: MAD 0.1. */
const LEAF_SCALE = 1.4826 * 0.1;

/** A clean MPII pose (spec TV-C), image px (row = v, col = u). */
const CLEAN: GridPoint[] = MPII16.joints.map((name) => {
  const at: Record<string, [number, number]> = {
    head_top: [8, 32],
    neck: [14, 32],
    thorax: [16, 32],
    pelvis: [34, 32],
    l_shoulder: [16, 38],
    l_elbow: [24, 40],
    l_wrist: [31, 41],
    r_shoulder: [16, 26],
    r_elbow: [24, 24],
    r_wrist: [31, 23],
    l_hip: [34, 36],
    l_knee: [45, 36],
    l_ankle: [56, 36],
    r_hip: [34, 28],
    r_knee: [45, 28],
    r_ankle: [56, 28],
  };
  return { row: at[name]![0], col: at[name]![1] };
});
const LEAVES = { l_wrist: 'l_elbow', r_wrist: 'r_elbow', l_ankle: 'l_knee', r_ankle: 'r_knee' } as const;

/**
 * CLEAN with both upper arms stretched by e^upper (each forearm carried along unchanged) and the listed leaf links
 * (named by their leaf) stretched by e^t, then scaled by `scale` about the origin.
 */
function pose(stretch: Partial<Record<keyof typeof LEAVES, number>>, scale = 1, upper = 0): GridPoint[] {
  const at = CLEAN.map((p) => ({ ...p }));
  for (const side of ['l', 'r']) {
    const [shoulder, elbow, wrist] = ['shoulder', 'elbow', 'wrist'].map((part) => joint(`${side}_${part}`));
    const shift = (Math.exp(upper) - 1) * (CLEAN[elbow!]!.row - CLEAN[shoulder!]!.row);
    const shiftCol = (Math.exp(upper) - 1) * (CLEAN[elbow!]!.col - CLEAN[shoulder!]!.col);
    for (const j of [elbow!, wrist!]) at[j] = { row: at[j]!.row + shift, col: at[j]!.col + shiftCol };
  }
  const moved = at.map((p, j) => {
    const leaf = MPII16.joints[j] as keyof typeof LEAVES;
    const t = stretch[leaf];
    if (t === undefined) return p;
    const from = at[joint(LEAVES[leaf])]!;
    const f = Math.exp(t);
    return { row: from.row + f * (p.row - from.row), col: from.col + f * (p.col - from.col) };
  });
  return moved.map((p) => ({ row: scale * p.row, col: scale * p.col }));
}
const label = (positions: GridPoint[], prediction: GridPoint[] = positions): LabelQcSample => ({
  positions,
  visibility: new Array(16).fill(1),
  prediction,
});
/**
 * Correct labels whose four leaf links (forearms, shins) are e^−0.1, 1 or e^0.1 times CLEAN's, a third each, and
 * likewise their upper arms (shifted by one): their log-proportions spread with median 0 and MAD 0.1. The other
 * links are exactly in proportion (MAD 0: no reference, not checked).
 */
const base = (count: number): LabelQcSample[] =>
  Array.from({ length: count }, (_, i) => {
    const t = [-0.1, 0, 0.1][i % 3]!;
    return label(pose({ l_wrist: t, r_wrist: t, l_ankle: t, r_ankle: t }, 1, [0, 0.1, -0.1][i % 3]!));
  });
const swapped = (parts: string[], scale = 1): GridPoint[] =>
  CLEAN.map((_, j) => {
    const name = MPII16.joints[j]!;
    const part = name.slice(2);
    const from =
      parts.includes(part) && /^[lr]_/.test(name) ? `${name[0] === 'l' ? 'r' : 'l'}_${part}` : name;
    const p = CLEAN[joint(from)]!;
    return { row: scale * p.row, col: scale * p.col };
  });
const scaled = (scale: number) => CLEAN.map((p) => ({ row: scale * p.row, col: scale * p.col }));

describe('label QC statistic', () => {
  it('Φ⁻¹ to 1e-6, and the median / 1.4826·MAD calibration (none below 30 values or without spread)', () => {
    expect(normalQuantile(1 - 0.005 / 15)).toBeCloseTo(LIMIT_Z, 6);
    expect(normalQuantile(1 - 0.005)).toBeCloseTo(SWAP_Z, 6);
    const values = Array.from({ length: 30 }, (_, i) => i);
    // |x − 14.5| = 0.5, 0.5, 1.5, 1.5, …: the 15th and 16th are 7.5.
    expect(calibrate([...values, NaN, -Infinity])).toEqual({
      median: 14.5,
      scale: 1.4826 * 7.5,
      links: 30,
      source: 'labels',
    });
    expect(MIN_CALIBRATION_LINKS).toBe(30);
    expect(calibrate(values.slice(1))).toEqual({ median: 0, scale: 1, links: 29, source: 'none' });
    expect(calibrate(new Array(40).fill(2)).source).toBe('none');
  });

  it("flags a limb too long for the person's own proportions, in image px, whatever the person's size", () => {
    // A person twice as large whose left forearm is e^0.6 times too long for the rest of them.
    const report = labelQcSet(MPII16, [...base(39), label(pose({ l_wrist: 0.6 }, 2))]);
    const forearm = report.calibration[5]!;
    expect(forearm).toEqual({ median: 0, scale: expect.closeTo(LEAF_SCALE, 12), links: 40, source: 'link' });
    expect(report.calibration[0]!.source).toBe('none'); // head_top→neck never varies: no reference
    expect(report.limitZ).toBeCloseTo(LIMIT_Z, 6);
    expect(report.results.slice(0, 39).every((r) => r.flags.length === 0)).toBe(true);
    const length = 2 * Math.exp(0.6) * Math.sqrt(50);
    expect(report.results[39]!.flags).toEqual([
      {
        kind: 'unlikely-link',
        link: 5,
        parent: joint('l_elbow'),
        child: joint('l_wrist'),
        name: 'l_elbow→l_wrist',
        z: expect.closeTo(0.6 / LEAF_SCALE, 9),
        lengthPx: expect.closeTo(length, 9),
        expectedPx: expect.closeTo(2 * Math.sqrt(50), 9),
        limitPx: expect.closeTo(2 * Math.sqrt(50) * Math.exp(LIMIT_Z * LEAF_SCALE), 6),
        sentence:
          "Link l_elbow→l_wrist is 25.8 px long where this person's other limbs suggest 14.1 px and at most 23.4 px (robust z 4.0 > 3.4).",
      },
    ]);
    expect(report.results[39]!.worstZ).toBeCloseTo(0.6 / LEAF_SCALE, 9);
  });

  it('never flags a short link (foreshortening), however short', () => {
    const report = labelQcSet(MPII16, [...base(39), label(pose({ l_wrist: -1.5 }))]);
    expect(report.results[39]!.z[5]).toBeCloseTo(-1.5 / LEAF_SCALE, 9);
    expect(report.results.every((r) => r.flags.length === 0)).toBe(true);
  });

  it('a wrist swap: both forearms too long, swapping makes them plausible (the prediction not trusted)', () => {
    const report = labelQcSet(MPII16, [...base(39), label(swapped(['wrist']), CLEAN)]);
    expect(report.predictionSwaps).toEqual({ trusted: false, disagreeing: 1, allowed: 0 });
    const flags = report.results[39]!.flags;
    expect(flags.map((f) => (f.kind === 'unlikely-link' ? f.name : f.kind))).toEqual([
      'l_elbow→l_wrist',
      'r_elbow→r_wrist',
      'lr-swap',
    ]);
    // Each forearm now spans √338 px instead of √50.
    const before = Math.log(Math.sqrt(338 / 50)) / LEAF_SCALE;
    expect(flags[2]).toEqual({
      kind: 'lr-swap',
      pairs: [[joint('l_wrist'), joint('r_wrist')]],
      zDrop: expect.closeTo(before, 9),
      distanceGainPx: null,
      sentence: `Left and right may be swapped (l_wrist, r_wrist): swapping left and right makes every link they touch plausible (robust z ${before.toFixed(1)} → 0.0).`,
    });
  });

  it('trusts the prediction for length-preserving swaps only while it disagrees with ≤ α/2 of the labels', () => {
    // 201 correct labels and one whole-arm swap, person ×2: the prediction disagrees with 1 ≤ ⌊0.005·202⌋ labels.
    const armSwap = label(swapped(['shoulder', 'elbow', 'wrist'], 2), scaled(2));
    const report = labelQcSet(MPII16, [...base(201), armSwap]);
    expect(report.predictionSwaps).toEqual({ trusted: true, disagreeing: 1, allowed: 1 });
    expect(report.results.slice(0, 201).every((r) => r.flags.length === 0)).toBe(true);
    // The swapped sides lie 12, 16 and 18 px apart in CLEAN: 2·46 px, ×2 = 184 image px closer.
    expect(report.results[201]!.flags).toEqual([
      expect.objectContaining({
        kind: 'lr-swap',
        pairs: ['shoulder', 'elbow', 'wrist'].map((part) => [joint(`l_${part}`), joint(`r_${part}`)]),
        zDrop: 0,
        distanceGainPx: expect.closeTo(184, 9),
      }),
    ]);
    // Two such labels: a model this often at odds with the labels is not believed, and nothing is flagged.
    const twice = labelQcSet(MPII16, [...base(201), armSwap, armSwap]);
    expect(twice.predictionSwaps).toEqual({ trusted: false, disagreeing: 2, allowed: 1 });
    expect(twice.results.every((r) => r.flags.length === 0)).toBe(true);
  });

  it('skips links of absent joints and refuses malformed input', () => {
    const absentWrist = label(CLEAN);
    absentWrist.visibility = CLEAN.map((_, j) => (j === joint('l_wrist') ? -1 : 1));
    const report = labelQcSet(MPII16, [...base(39), absentWrist]);
    expect(report.results[39]!.flags).toEqual([]);
    expect(Number.isNaN(report.results[39]!.z[5]!)).toBe(true);
    expect(() => labelQcSet(MPII16, [{ ...label(CLEAN), positions: CLEAN.slice(1) }])).toThrow(
      /sample 0: positions: expected 16 joints, got 15/,
    );
    expect(() => labelQcSet(MPII16, [label(CLEAN)], { falseAlarm: 0 })).toThrow(/falseAlarm/);
  });
});
