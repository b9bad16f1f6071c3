/** Heatmap samplers (validation, reasons), human-tree validation, refinement and label QC on synthetic poses. */
import { describe, expect, it } from 'vitest';
import { AppError } from '@shared/errors';
import {
  headSegmentSizes,
  humanTree,
  learningLossKl,
  linkLogDensity,
  peakEntropy,
  peaksWithFallback,
  pck,
  pckh,
  referencePckhCurve,
  refinePose,
  subpixelLocation,
  torsoSizes,
  type GridPoint,
  type Peak,
} from '@shared/pose2d';
import { LSP14, MPII16, jointIndex } from '@shared/skeletons';
import {
  HEATMAP_SAMPLERS,
  runHeatmapSampler,
  type HeatmapSamplerInput,
  type HeatmapSamplerOptions,
  type Reason,
} from '../../../src/main/samplers';

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
const joint = (name: string): number => jointIndex(MPII16, name);
const tree = humanTree(MPII16);

/** A clean MPII pose (spec TV-C), grid px. */
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

/** Link parameters that make CLEAN the ideal pose: μ = its lengths, s = 0 (σ = 1 px). */
const IDEAL_PARAMS = tree.links.flatMap(([p, c]) => [
  Math.hypot(CLEAN[p]!.row - CLEAN[c]!.row, CLEAN[p]!.col - CLEAN[c]!.col),
  0,
]);

const moved = (pose: readonly GridPoint[], changes: Record<string, GridPoint>): GridPoint[] =>
  pose.map((p, j) => changes[MPII16.joints[j]!] ?? p);

/** Packs per-candidate peak lists into the n×J×K×3 NaN-padded block. */
function packPeaks(candidates: readonly Peak[][][], maxPeaks: number): Float32Array {
  const jointCount = candidates[0]!.length;
  const block = new Float32Array(candidates.length * jointCount * maxPeaks * 3).fill(NaN);
  candidates.forEach((peaks, i) =>
    peaks.forEach((list, j) =>
      list.forEach((p, k) => block.set([p.row, p.col, p.value], ((i * jointCount + j) * maxPeaks + k) * 3)),
    ),
  );
  return block;
}

const asPeaks = (pose: readonly GridPoint[], value = 20): Peak[][] => pose.map((p) => [{ ...p, value }]);

/** Candidate 0 clean, 1 with a forearm three times too long, 2 clean but with a strong second l_wrist peak. */
function poolInput(): HeatmapSamplerInput {
  const longArm = moved(CLEAN, { l_wrist: { row: 45, col: 45 } });
  const ambiguous = asPeaks(CLEAN);
  ambiguous[joint('l_wrist')]!.push({ row: 31, col: 50, value: 16 });
  const candidates = [asPeaks(CLEAN), asPeaks(longArm), ambiguous];
  const count = candidates.length;
  return {
    jointCount: 16,
    tree,
    candidates: {
      count,
      peaks: packPeaks(candidates, 2),
      maxPeaks: 2,
      linkParams: Float32Array.from({ length: count * 30 }, (_, k) => IDEAL_PARAMS[k % 30]!),
      aleatoricLogVar: Float32Array.from({ length: count * 16 }, (_, k) =>
        k === 16 + joint('r_ankle') ? 3 : k === 16 + joint('l_knee') ? 2 : 0,
      ),
      predictedLoss: Float32Array.of(0.1, 0.5, 0.3),
      embedding: Float32Array.of(0, 0, 3, 4, 1, 0),
      embeddingSize: 2,
    },
    labelled: { count: 0 },
  };
}

function fieldOf(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_input')
      return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected an invalid_input AppError');
}

describe('runHeatmapSampler validation', () => {
  const run = (
    id: string,
    edit: (input: HeatmapSamplerInput) => void = () => {},
    options: HeatmapSamplerOptions = { budget: 2 },
  ) =>
    fieldOf(() => {
      const input = poolInput();
      edit(input);
      return runHeatmapSampler(id, input, options);
    });

  it('names the option or sampler at fault', () => {
    expect(run('egl++').field).toBe('sampler');
    expect(run('vl4pose', undefined, { budget: 0 }).field).toBe('budget');
    expect(run('random', undefined, { budget: 1, seed: 0.5 }).field).toBe('seed');
    expect(run('vl4pose', undefined, { budget: 1, aggregator: 'mean' as 'sum' }).field).toBe('aggregator');
    expect(run('mpe', undefined, { budget: 1, temperature: 0 }).field).toBe('temperature');
  });

  it('names missing fields and the row and column of bad values', () => {
    expect(run('vl4pose', (i) => delete i.candidates.linkParams)).toMatchObject({
      field: 'candidates.linkParams',
      message: expect.stringContaining('missing'),
    });
    expect(run('vl4pose', (i) => (i.candidates.linkParams![30 + 3] = NaN))).toMatchObject({
      field: 'candidates.linkParams',
      message: expect.stringContaining('row 1, column 3'),
    });
    expect(run('learning-loss', (i) => (i.candidates.predictedLoss = Float32Array.of(1, 2)))).toMatchObject({
      field: 'candidates.predictedLoss',
      message: expect.stringContaining('expected 3×1 values, got 2'),
    });
    expect(run('aleatoric', (i) => (i.candidates.aleatoricLogVar![20] = Infinity)).message).toContain(
      'row 1, column 4',
    );
    expect(run('coreset', (i) => delete i.candidates.embeddingSize).field).toBe('candidates.embeddingSize');
    expect(
      run('coreset', (i) => (i.labelled = { count: 2, embedding: Float32Array.of(1, 2) })),
    ).toMatchObject({
      field: 'labelled.embedding',
      message: expect.stringContaining('expected 2×2 values, got 2'),
    });
    expect(run('random', (i) => (i.candidates.count = 0)).field).toBe('candidates.count');
  });

  it('checks every joint has peaks, highest first, padding last', () => {
    const slot = (candidate: number, j: number, k: number) => ((candidate * 16 + j) * 2 + k) * 3;
    expect(run('vl4pose', (i) => i.candidates.peaks.fill(NaN, slot(1, 4, 0), slot(1, 4, 1)))).toMatchObject({
      field: 'candidates.peaks',
      message: expect.stringContaining('candidate 1, joint 4 has no peak'),
    });
    expect(run('mpe', (i) => i.candidates.peaks.set([1, 1, 99], slot(0, 2, 1))).message).toContain(
      'candidate 0, joint 2, peak 1 is higher than peak 0',
    );
    expect(run('mpe', (i) => (i.candidates.peaks = i.candidates.peaks.subarray(3))).message).toContain(
      'expected 3×16×2×3 values',
    );
  });

  it('checks the tree against jointCount and re-validates it', () => {
    expect(run('vl4pose', (i) => (i.jointCount = 15)).field).toBe('tree');
    const cyclic = { ...tree, links: [...tree.links.slice(0, -1), [13, 12] as const] };
    expect(run('random', (i) => (i.tree = cyclic))).toMatchObject({ field: 'tree' });
  });

  it('does not ask samplers for fields they do not read', () => {
    const input = poolInput();
    delete input.candidates.linkParams;
    delete input.candidates.embedding;
    expect(() => runHeatmapSampler('mpe', input, { budget: 1 })).not.toThrow();
  });

  it('lists every sampler once, EGL++ not among them', () => {
    expect(HEATMAP_SAMPLERS.map((s) => s.id)).toEqual([
      'random',
      'vl4pose',
      'mpe',
      'aleatoric',
      'learning-loss',
      'coreset',
    ]);
  });
});

describe('heatmap sampler rankings and reasons', () => {
  const reasonOf = <K extends Reason['kind']>(
    reason: Reason | undefined,
    kind: K,
  ): Extract<Reason, { kind: K }> => {
    expect(reason?.kind).toBe(kind);
    return reason as Extract<Reason, { kind: K }>;
  };

  it('VL4Pose picks the implausible skeleton first and names its worst link', () => {
    const selection = runHeatmapSampler('vl4pose', poolInput(), { budget: 3, aggregator: 'max' });
    expect(selection.sampler).toBe('vl4pose');
    expect(selection.picks[0]).toBe(1);
    const worst = reasonOf(selection.reasons[0], 'vl4pose-heatmap');
    expect(worst.leastLikelyLinks[0]).toMatchObject({
      link: 5,
      parent: joint('l_elbow'),
      child: joint('l_wrist'),
    });
    expect(worst.leastLikelyLinks).toHaveLength(3);
    expect(worst.sentence).toContain('l_elbow→l_wrist');
    expect(worst.aggregator).toBe('max');
  });

  it('VL4Pose by default scores top peaks only (the shipped K = 1): an extra peak alone costs nothing', () => {
    const selection = runHeatmapSampler('vl4pose', poolInput(), { budget: 3 });
    const clean = -15 * HALF_LN_2PI;
    const byPick = new Map(Array.from(selection.picks, (pick, rank) => [pick, selection.reasons[rank]!]));
    expect(reasonOf(byPick.get(0), 'vl4pose-heatmap').score).toBeCloseTo(clean, 9);
    const ambiguous = reasonOf(byPick.get(2), 'vl4pose-heatmap');
    expect(ambiguous.score).toBeCloseTo(clean, 9);
    expect(ambiguous.ambiguousJoints).toEqual([{ joint: joint('l_wrist'), ratio: expect.closeTo(0.8, 6) }]);
    expect(Array.from(selection.picks)).toEqual([1, 0, 2]);
  });

  it('VL4Pose sum mode over every peak penalises the extra peak and reports the ambiguous joint', () => {
    const selection = runHeatmapSampler('vl4pose', poolInput(), { budget: 3, scoringPeaks: 5 });
    const clean = -15 * HALF_LN_2PI;
    const byPick = new Map(Array.from(selection.picks, (pick, rank) => [pick, selection.reasons[rank]!]));
    expect(reasonOf(byPick.get(0), 'vl4pose-heatmap').score).toBeCloseTo(clean, 9);
    const ambiguous = reasonOf(byPick.get(2), 'vl4pose-heatmap');
    expect(ambiguous.score).toBeLessThan(clean);
    expect(ambiguous.ambiguousJoints).toEqual([{ joint: joint('l_wrist'), ratio: expect.closeTo(0.8, 6) }]);
    expect(ambiguous.sentence).toContain('l_wrist (second peak 0.80× the top)');
    expect(Array.from(selection.picks).at(-1)).toBe(0);
  });

  it('MPE picks the candidate with two comparable peaks and names the joint', () => {
    const selection = runHeatmapSampler('mpe', poolInput(), { budget: 3 });
    expect(Array.from(selection.picks)).toEqual([2, 0, 1]);
    const top = reasonOf(selection.reasons[0], 'mpe');
    expect(top.entropy).toBeCloseTo(peakEntropy([20, 16]), 12);
    expect(top.topJoints).toEqual([
      { joint: joint('l_wrist'), entropy: expect.closeTo(peakEntropy([20, 16]), 12) },
    ]);
    expect(reasonOf(selection.reasons[1], 'mpe').sentence).toContain('no joint has a second peak');
  });

  it('Aleatoric ranks by the mean log-variance and names the top joints', () => {
    const selection = runHeatmapSampler('aleatoric', poolInput(), { budget: 1 });
    expect(Array.from(selection.picks)).toEqual([1]);
    const reason = reasonOf(selection.reasons[0], 'aleatoric-heatmap');
    expect(reason.meanLogVariance).toBeCloseTo(5 / 16, 6);
    expect(reason.topJoints.slice(0, 2)).toEqual([
      { joint: joint('r_ankle'), logVariance: 3 },
      { joint: joint('l_knee'), logVariance: 2 },
    ]);
    expect(reason.sentence).toContain('r_ankle');
  });

  it('Learning Loss takes the largest predicted losses, ties by index', () => {
    expect(Array.from(runHeatmapSampler('learning-loss', poolInput(), { budget: 3 }).picks)).toEqual([
      1, 2, 0,
    ]);
    const tied = poolInput();
    tied.candidates.predictedLoss = Float32Array.of(0.2, 0.2, 0.1);
    const selection = runHeatmapSampler('learning-loss', tied, { budget: 2 });
    expect(Array.from(selection.picks)).toEqual([0, 1]);
    expect(reasonOf(selection.reasons[0], 'learning-loss').predictedLoss).toBeCloseTo(0.2, 6);
  });

  it('Core-Set starts from the first candidate when nothing is labelled', () => {
    const selection = runHeatmapSampler('coreset', poolInput(), { budget: 2 });
    expect(Array.from(selection.picks)).toEqual([0, 1]);
    expect(reasonOf(selection.reasons[0], 'coreset-features').sentence).toContain('nothing was labelled yet');
    expect(reasonOf(selection.reasons[1], 'coreset-features').distance).toBeCloseTo(5, 6);
  });

  it('Random is seeded: same seed, same picks; all unique', () => {
    const a = runHeatmapSampler('random', poolInput(), { budget: 3, seed: 4 });
    const b = runHeatmapSampler('random', poolInput(), { budget: 3, seed: 4 });
    expect(Array.from(a.picks)).toEqual(Array.from(b.picks));
    expect(new Set(a.picks).size).toBe(3);
    expect(a.reasons[0]).toMatchObject({ kind: 'random', seed: 4 });
  });
});

describe('humanTree validation', () => {
  const spec =
    (links: [number, number][], root = 0, jointCount = 4) =>
    () =>
      humanTree({ jointCount, root, links });

  it('accepts a layout and a plain spec alike', () => {
    const plain = humanTree({ jointCount: 16, root: 0, links: MPII16.edges });
    expect(Array.from(plain.order)).toEqual(Array.from(tree.order));
    expect(tree.jointNames[4]).toBe('l_wrist');
    expect(plain.jointNames[4]).toBe('joint 4');
  });

  it('rejects two parents, two roots, a wrong root, cycles and bad indices', () => {
    expect(
      spec([
        [0, 1],
        [0, 2],
        [1, 2],
      ]),
    ).toThrow(/joint 2 has two parents/);
    expect(
      spec([
        [0, 1],
        [1, 2],
      ]),
    ).toThrow(/exactly one root/);
    expect(
      spec(
        [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
        1,
      ),
    ).toThrow(/root is 1/);
    expect(
      spec([
        [0, 1],
        [2, 3],
        [3, 2],
      ]),
    ).toThrow(/two parents|cycle/);
    expect(
      spec([
        [0, 1],
        [1, 2],
        [3, 2],
      ]),
    ).toThrow(/two parents/);
    expect(
      spec(
        [
          [0, 1],
          [2, 3],
          [3, 4],
        ],
        0,
        5,
      ),
    ).toThrow(/exactly one root/);
    expect(
      spec([
        [0, 1],
        [1, 2],
        [2, 9],
      ]),
    ).toThrow(/link 2/);
    expect(
      spec([
        [0, 1],
        [1, 1],
        [2, 3],
      ]),
    ).toThrow(/link 1/);
  });

  it('finds a cycle that hangs off nothing', () => {
    // Joints 1 → 2 → 3 → 1 each have one parent; 0 is the only root but reaches nobody.
    expect(
      spec([
        [3, 1],
        [1, 2],
        [2, 3],
      ]),
    ).toThrow(/not reachable from root 0: a cycle/);
  });
});

describe('linkLogDensity', () => {
  it('clamps the log-variance to ±10 so extreme auxiliary outputs stay finite', () => {
    expect(linkLogDensity(5, 5, -1000)).toBeCloseTo(-HALF_LN_2PI + 5, 12);
    expect(linkLogDensity(6, 5, -1000)).toBeCloseTo(-HALF_LN_2PI + 5 - 0.5 * Math.exp(10), 6);
    expect(linkLogDensity(5, 5, 1000)).toBeCloseTo(-HALF_LN_2PI - 5, 12);
  });
});

describe('refinePose', () => {
  const chain = humanTree({
    jointCount: 3,
    root: 0,
    links: [
      [0, 1],
      [1, 2],
    ],
  });
  const peaks = (secondValue: number): Peak[][] => [
    [{ row: 10, col: 10, value: 10 }],
    [
      { row: 10, col: 30, value: 10 },
      { row: 10, col: 16, value: secondValue },
    ],
    [{ row: 10, col: 22, value: 10 }],
  ];

  it('picks a secondary peak when the skeleton strongly favours it', () => {
    const refined = refinePose(chain, peaks(9.5), [6, Math.log(0.25), 6, Math.log(0.25)]);
    expect(Array.from(refined.peakIndex)).toEqual([0, 1, 0]);
    expect(refined.changed).toEqual([1]);
    expect(refined.positions[1]).toEqual({ row: 10, col: 16 });
    const expected = Math.log(1 / (1 + Math.exp(0.5))) + 2 * linkLogDensity(6, 6, Math.log(0.25));
    expect(refined.score).toBeCloseTo(expected, 12);
  });

  it('keeps the top peak when the skeleton barely cares and the top is much higher', () => {
    const refined = refinePose(chain, peaks(1), [6, Math.log(400), 6, Math.log(400)]);
    expect(refined.changed).toEqual([]);
    expect(refined.positions[1]).toEqual({ row: 10, col: 30 });
  });

  it('reports the gain over the top peaks and withholds a refinement below minGain', () => {
    const params = [6, Math.log(0.25), 6, Math.log(0.25)];
    const offered = refinePose(chain, peaks(9.5), params);
    // Top peaks: joint 1 at col 30, links of length 20 and 8; refined: col 16, links 6 and 6.
    const s = Math.log(0.25);
    const topScore = Math.log(1 / (1 + Math.exp(-0.5))) + linkLogDensity(20, 6, s) + linkLogDensity(8, 6, s);
    expect(offered.gain).toBeCloseTo(offered.score - topScore, 12);
    expect(offered.gain).toBeGreaterThan(2);
    const withheld = refinePose(chain, peaks(9.5), params, { minGain: offered.gain + 1e-9 });
    expect(withheld.changed).toEqual([]);
    expect(withheld.gain).toBe(0);
    expect(withheld.score).toBeCloseTo(topScore, 12);
  });

  it('never moves a joint onto another joint', () => {
    // The second peak of joint 1 sits exactly on joint 2, and the skeleton (μ = 12 for link 0, μ = 0 for link 1)
    // would love it there: the guard undoes that move.
    const onTop: Peak[][] = [
      [{ row: 10, col: 10, value: 10 }],
      [
        { row: 10, col: 30, value: 10 },
        { row: 10, col: 22, value: 9.9 },
      ],
      [{ row: 10, col: 22, value: 10 }],
    ];
    const params = [12, Math.log(0.25), 0, Math.log(0.25)];
    expect(refinePose(chain, onTop, params, { minSeparation: 0 }).changed).toEqual([1]);
    const guarded = refinePose(chain, onTop, params);
    expect(guarded.changed).toEqual([]);
    expect(guarded.positions[1]).toEqual({ row: 10, col: 30 });
  });
});

describe('peaksWithFallback', () => {
  it('falls back to the global argmax when every maximum is in the excluded border', () => {
    const map = new Float32Array(25);
    map[4] = 3; // (0, 4), inside the excluded frame
    const options = { minDistance: 2, maxPeaks: 3, excludeBorder: true };
    expect(peaksWithFallback(map, 5, 5, options)).toEqual([{ row: 0, col: 4, value: 3 }]);
    map[12] = 5;
    expect(peaksWithFallback(map, 5, 5, options)).toEqual([{ row: 2, col: 2, value: 5 }]);
  });
});

describe('pose metrics', () => {
  // Two samples × two joints, (row, col); the errors are 6, 2 | 3, 9 px.
  const groundTruth = [0, 0, 10, 10, 0, 0, 10, 10];
  const predicted = [6, 0, 10, 12, 0, 3, 19, 10];

  it('standard PCKh: α·0.6·diagonal with strict <, absent joints skipped, pooled mean', () => {
    // Threshold 0.5·0.6·20 = 6 px: an error of exactly 6 px is wrong.
    const result = pckh({ jointCount: 2, predicted, groundTruth, headBoxDiagonal: [20, 20] });
    expect(Array.from(result.perJoint)).toEqual([0.5, 0.5]);
    expect(result.mean).toBe(0.5);
    const skipped = pckh({
      jointCount: 2,
      predicted,
      groundTruth,
      headBoxDiagonal: [20, 20],
      visibility: [1, 1, 0, -1],
    });
    expect(Array.from(skipped.counted)).toEqual([2, 1]);
    expect(Array.from(skipped.perJoint)).toEqual([0.5, 1]);
    expect(skipped.mean).toBeCloseTo(2 / 3, 12);
    expect(
      pckh({ jointCount: 2, predicted, groundTruth, headBoxDiagonal: [20, 20] }, { meanJoints: [1] }).mean,
    ).toBe(0.5);
  });

  it('the reference curve averages the per-joint curves and counts occluded joints', () => {
    const curve = referencePckhCurve(
      { jointCount: 2, predicted, groundTruth, headBoxDiagonal: [19, 19], visibility: [1, 0, 1, -1] },
      20,
    );
    // Normalised errors: joint 0 → 6/19, 3/19; joint 1 → 2/19 (the absent one skipped).
    expect(curve.perJoint[3]).toBe(0); // threshold 3/19: nothing strictly below
    expect(curve.perJoint[4]).toBe(0.5);
    expect(curve.perJoint[20 + 2]).toBe(0);
    expect(curve.perJoint[20 + 3]).toBe(1);
    expect(curve.mean[3]).toBeCloseTo(0.5, 12); // (0 + 1) / 2, not pooled (1 / 3)
  });

  it('PCK with the LSP torso and the head-segment fallback', () => {
    const pose = new Array(28).fill(0);
    const put = (name: string, row: number, col: number) =>
      pose.splice(2 * jointIndex(LSP14, name), 2, row, col);
    put('l_shoulder', 0, 10);
    put('r_shoulder', 0, 0);
    put('l_hip', 30, 10);
    put('r_hip', 40, 0);
    put('head_top', 0, 5);
    put('neck', 8, 5);
    expect(Array.from(torsoSizes(pose, LSP14))).toEqual([Math.hypot(40, 10)]);
    expect(Array.from(headSegmentSizes(pose, LSP14))).toEqual([8]);
    expect(Array.from(headSegmentSizes(pose, LSP14, 1.25))).toEqual([10]);
    expect(() => headSegmentSizes([0, 0], { ...LSP14, joints: ['a'] })).toThrow(/no joint "head_top"/);
    const result = pck({ jointCount: 2, predicted, groundTruth, normaliser: [12, 4] }, 0.5);
    // Thresholds 6 and 2 px: joint 0 errors 6, 3 both miss; joint 1 errors 2 (hit), 9 (miss).
    expect(Array.from(result.perJoint)).toEqual([0, 0.5]);
    expect(result.mean).toBe(0.25);
  });

  it('sub-pixel location: mean of clamp(h, 0) over the ±2 px window around the argmax', () => {
    const map = new Float32Array(49);
    const set = (row: number, col: number, value: number) => (map[row * 7 + col] = value);
    set(3, 3, 4);
    set(3, 4, 2);
    set(2, 3, 2);
    set(4, 3, -1); // clamped to 0
    set(3, 6, 5 - 1); // 3 px away: outside the window, but not the argmax (tie goes to the first)
    expect(subpixelLocation(map, 7, 7)).toEqual({
      row: (2 * 2 + 3 * 4 + 3 * 2) / 8,
      col: (3 * 2 + 3 * 4 + 4 * 2) / 8,
    });
    const corner = new Float32Array(49);
    corner[0] = 3;
    corner[1] = 1;
    expect(subpixelLocation(corner, 7, 7)).toEqual({ row: 0, col: 0.25 });
    expect(subpixelLocation(new Float32Array(49).fill(-1), 7, 7)).toEqual({ row: 0, col: 0 });
  });
});

describe('Learning Loss objectives at the edges', () => {
  it('treats 0·log 0 as 0 and a pair of zero losses as (½, ½)', () => {
    expect(learningLossKl([0, 1], [0, 0])).toBeCloseTo(Math.LN2, 12);
    expect(learningLossKl([0, 0], [3, 3])).toBeCloseTo(0, 12);
  });

  it('needs an even batch of paired predictions', () => {
    expect(() => learningLossKl([1, 2, 3], [1, 2, 3])).toThrow(/even size/);
    expect(() => learningLossKl([1, 2], [1])).toThrow(/predicted: expected 2 values/);
  });
});
