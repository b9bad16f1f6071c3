/** The deterministic test vectors of spec vl4pose §9 for the heatmap (2-D human) branch: TV-A…TV-E, TV-H, TV-I. */
import { describe, expect, it } from 'vitest';
import {
  aleatoricHeatmapLoss,
  globalArgmax,
  humanTree,
  learningLossKl,
  learningLossRanking,
  linkLogDensity,
  localMaxima,
  logSoftmax,
  multiPeakEntropy,
  normalisedTrueLoss,
  poseLinkLogDensities,
  referencePckhCurve,
  refinePose,
  renderTargetHeatmaps,
  scoreTree,
  TREE_AGGREGATORS,
  vl4poseTrainingLoss,
  type GridPoint,
  type HumanTree,
  type Peak,
} from '@shared/pose2d';
import { createRng } from '@shared/random';
import { MPII16, jointIndex } from '@shared/skeletons';
import { runHeatmapSampler } from '../../../src/main/samplers';

const LN2 = 0.6931471805599453;
const LN4 = 1.3862943611198906;
const TOLERANCE = 1e-9;

/** |actual − expected| ≤ tolerance for every entry (float64 spec values). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = TOLERANCE): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, k) => {
    expect(Math.abs(actual[k]! - value), `entry ${k}: ${actual[k]} vs ${value}`).toBeLessThanOrEqual(
      tolerance,
    );
  });
}

const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);
const single = (points: readonly GridPoint[]): Peak[][] => points.map((p) => [{ ...p, value: 1 }]);
const logSumExp = (values: readonly number[]): number => {
  const top = Math.max(...values);
  return top + Math.log(sum(values.map((v) => Math.exp(v - top))));
};

/** Every configuration (one peak per joint) with Σ log w + Σ ℓ, Π w and Σ ℓ: the brute-force reference. */
function configurations(
  tree: HumanTree,
  peaks: readonly Peak[][],
  params: readonly number[],
): { choice: number[]; logJoint: number; weight: number; loglik: number }[] {
  const logWeights = peaks.map((list) => logSoftmax(list.map((p) => p.value)));
  let all: number[][] = [[]];
  for (const list of peaks) all = all.flatMap((prefix) => list.map((_, l) => [...prefix, l]));
  return all.map((choice) => {
    const loglik = sum(
      poseLinkLogDensities(
        tree,
        choice.map((l, j) => peaks[j]![l]!),
        params,
      ),
    );
    const logW = sum(choice.map((l, j) => logWeights[j]![l]!));
    return { choice, logJoint: logW + loglik, weight: Math.exp(logW), loglik };
  });
}

describe('TV-A one-dimensional link term on the chain A → B → C', () => {
  const tree = humanTree({
    jointCount: 3,
    root: 0,
    links: [
      [0, 1],
      [1, 2],
    ],
  });
  const positions = [
    { row: 10, col: 10 },
    { row: 10, col: 16 },
    { row: 14, col: 19 },
  ];
  const params = [5, LN4, 5, 0];

  it('gives ℓ per link (with ½ln2π) and the total', () => {
    expectClose(
      [linkLogDensity(6, 5, LN4), linkLogDensity(5, 5, 0)],
      [-1.737085713764618, -0.9189385332046727],
    );
    const perLink = poseLinkLogDensities(tree, positions, params);
    expectClose(perLink, [-1.737085713764618, -0.9189385332046727]);
    expectClose([sum(perLink)], [-2.6560242469692907]);
  });

  it('is the K = 1 score of every aggregator', () => {
    for (const aggregator of TREE_AGGREGATORS)
      expectClose([scoreTree(tree, single(positions), params, { aggregator }).score], [-2.6560242469692907]);
  });
});

describe('TV-B training NLL (§3.2)', () => {
  it('omits ½ln2π and keeps masked links in the denominator', () => {
    const d = [6, 7];
    const mu = [5, 5];
    const s = [LN4, 0];
    const full = vl4poseTrainingLoss(d, mu, s, [1, 1]);
    expectClose(full.perLink, [0.8181471805599453, 2.0]);
    expectClose([full.loss], [1.4090735902799727]);
    expectClose([vl4poseTrainingLoss(d, mu, s, [1, 0]).loss], [0.40907359027997264]);
  });
});

describe('TV-C full MPII tree through MPII16.edges (link order and interleaving)', () => {
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
  const positions = MPII16.joints.map((name): GridPoint => ({ row: at[name]![0], col: at[name]![1] }));
  // prettier-ignore
  const params = [6, 0, 2, 0, 18, LN4, 6, 0, 8, 0, 7, LN2, 6, 0, 8, 0, 7, LN2, 4, 0, 11, LN4, 11, LN4, 4, 0, 11, LN4, 11, LN4];
  const tree = humanTree(MPII16);
  const a = -0.9189385332;
  const b = -1.612085713764618;

  it('has the head as root and the spec link order', () => {
    expect(tree.root).toBe(jointIndex(MPII16, 'head_top'));
    expect(tree.links[2]).toEqual([jointIndex(MPII16, 'thorax'), jointIndex(MPII16, 'pelvis')]);
  });

  it('gives the per-link ℓ of the spec table (10 decimals) and the score', () => {
    const perLink = poseLinkLogDensities(tree, positions, params);
    // prettier-ignore
    expectClose(perLink, [a, a, b, a, -0.9492485233, -1.266774782, a, -0.9492485233, -1.266774782, a, b, b, a, b, b], 6e-11);
    expectClose([sum(perLink)], [-18.006106378606297]);
    for (const aggregator of TREE_AGGREGATORS)
      expectClose([scoreTree(tree, single(positions), params, { aggregator }).score], [-18.006106378606297]);
  });

  it('gives the training loss of the same pose used as ground truth', () => {
    const distances = tree.links.map(([p, c]) =>
      Math.hypot(positions[p]!.row - positions[c]!.row, positions[p]!.col - positions[c]!.col),
    );
    expectClose([distances[4]!, distances[5]!], [Math.sqrt(68), Math.sqrt(50)]);
    const mean = params.filter((_, k) => k % 2 === 0);
    const logVar = params.filter((_, k) => k % 2 === 1);
    const { loss } = vl4poseTrainingLoss(distances, mean, logVar, new Array(15).fill(1));
    expectClose([loss], [0.28146855870241383]);
  });
});

describe('TV-D peak weights and Multi-Peak Entropy', () => {
  // prettier-ignore
  const H = [0.0, 0.1, 0.2, 0.1, 0.0, 0.1, 0.9, 0.3, 0.2, 0.1, 0.2, 0.3, 0.4, 0.3, 0.6, 0.1, 0.2, 0.3, 0.2, 0.5, 0.0, 0.7, 0.1, 0.0, 0.0];
  const peaks = localMaxima(H, 5, 5, { minDistance: 1, maxPeaks: 5, excludeBorder: false });
  const values = peaks.map((p) => p.value);

  it('weights the peaks by softmax of the raw values, or ×30 via temperature 1/30', () => {
    expect(peaks.map((p) => [p.row, p.col])).toEqual([
      [1, 1],
      [4, 1],
      [2, 4],
    ]);
    expectClose(
      Array.from(logSoftmax(values), Math.exp),
      [0.3906938332698157, 0.3198730563359197, 0.28943311039426467],
    );
    expectClose(
      Array.from(logSoftmax(values, 1 / 30), Math.exp),
      [0.9974045916920704, 0.0024723188026737402, 0.00012308950525587303],
    );
    expectClose(
      Array.from(logSoftmax(values.slice(0, 2), 1 / 30), Math.exp),
      [0.9975273768433653, 0.0024726231566347748],
    );
  });

  it('gives the MPE of H (md 1, K 5) in nats, ln 2 for two equal peaks, and skips joints with no peak', () => {
    expectClose([multiPeakEntropy([peaks]).total], [1.0906356052299235]);
    const twoEqual = [
      { row: 0, col: 0, value: 0.5 },
      { row: 3, col: 3, value: 0.5 },
    ];
    expectClose([multiPeakEntropy([twoEqual]).total], [LN2]);
    const withEmpty = multiPeakEntropy([peaks, [], twoEqual]);
    expectClose([withEmpty.total], [1.0906356052299235 + LN2]);
    expect(Number.isNaN(withEmpty.perJoint[1]!)).toBe(true);
  });
});

describe('TV-E multi-peak tree: sum vs max mode', () => {
  // H → N; N → A; N → B; A → C.
  const tree = humanTree({
    jointCount: 5,
    root: 0,
    links: [
      [0, 1],
      [1, 2],
      [1, 3],
      [2, 4],
    ],
  });
  const peak = (row: number, col: number, value: number): Peak => ({ row, col, value });
  const peaks: Peak[][] = [
    [peak(10, 10, 2), peak(10, 20, 1)],
    [peak(16, 10, 3), peak(15, 22, 2.5)],
    [peak(22, 6, 1)],
    [peak(22, 14, 2), peak(20, 26, 1.5)],
    [peak(28, 6, 1), peak(27, 12, 1)],
  ];
  const params = [6, 0, 7, LN2, 7, LN2, 6, Math.log(0.5)];

  it('sum mode: the reference acquisition score, per root peak, and its (non-MAP) trace', () => {
    const result = scoreTree(tree, peaks, params, { aggregator: 'sum' });
    expectClose([result.score], [-199.74201980576973]);
    expectClose(result.perRootPeak, [-103.51221569336018, -96.22980411240955]);
    expect(Array.from(result.trace)).toEqual([1, 1, 0, 1, 0]);
  });

  it('max mode equals the brute-force MAP over all 16 configurations, all peak 0', () => {
    const result = scoreTree(tree, peaks, params, { aggregator: 'max' });
    expectClose([result.score], [-5.999172703041195]);
    expectClose(result.perRootPeak, [-5.999172703041195, -23.0277499648976]);
    expect(Array.from(result.trace)).toEqual([0, 0, 0, 0, 0]);
    const all = configurations(tree, peaks, params);
    expect(all).toHaveLength(16);
    const best = all.reduce((a, b) => (b.logJoint > a.logJoint ? b : a));
    expectClose([best.logJoint], [-5.999172703041195]);
    expect(best.choice).toEqual([0, 0, 0, 0, 0]);
  });

  it('top-peak link sum, expected and logMarginal match the spec and the enumeration', () => {
    const top = peaks.map((list) => list[0]!);
    expectClose([sum(poseLinkLogDensities(tree, top, params))], [-4.044609866602814]);
    const all = configurations(tree, peaks, params);
    const expected = scoreTree(tree, peaks, params, { aggregator: 'expected' }).score;
    expectClose([expected], [-31.55259723600625]);
    expectClose([expected], [sum(all.map((c) => c.weight * c.loglik))]);
    const logMarginal = scoreTree(tree, peaks, params, { aggregator: 'logMarginal' }).score;
    expectClose([logMarginal], [-5.962126269083689]);
    expectClose([logMarginal], [logSumExp(all.map((c) => c.logJoint))]);
  });

  it('refinement keeps every top peak here', () => {
    const refined = refinePose(tree, peaks, params);
    expect(refined.changed).toEqual([]);
    expect(refined.positions).toEqual(peaks.map((list) => ({ row: list[0]!.row, col: list[0]!.col })));
    expectClose([refined.score], [-5.999172703041195]);
  });
});

describe('tree DP against enumeration and the §4.4 closed form (random trees)', () => {
  /** Closed form of sum mode: Σ log w_root + Σ_links A_p·Σ_{l_p, l_c} [log w_c + ℓ], A_p = Π_{ancestors a of p} K_a. */
  function closedFormSum(tree: HumanTree, peaks: readonly Peak[][], params: readonly number[]): number {
    const logWeights = peaks.map((list) => logSoftmax(list.map((p) => p.value)));
    const ancestorProduct = (joint: number): number => {
      let product = 1;
      for (let a = tree.parent[joint]!; a >= 0; a = tree.parent[a]!) product *= peaks[a]!.length;
      return product;
    };
    let total = sum(logWeights[tree.root]!);
    tree.links.forEach(([p, c], k) => {
      for (const parentPeak of peaks[p]!)
        peaks[c]!.forEach((childPeak, l) => {
          const d = Math.hypot(parentPeak.row - childPeak.row, parentPeak.col - childPeak.col);
          total +=
            ancestorProduct(p) * (logWeights[c]![l]! + linkLogDensity(d, params[2 * k]!, params[2 * k + 1]!));
        });
    });
    return total;
  }

  it('agrees for every aggregator on 40 random trees', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 40; trial++) {
      const jointCount = 2 + rng.int(5);
      // Random parents (each joint hangs off an earlier one), links listed in a shuffled order.
      const links = Array.from({ length: jointCount - 1 }, (_, k): [number, number] => [
        rng.int(k + 1),
        k + 1,
      ]);
      links.sort(() => rng.next() - 0.5);
      const tree = humanTree({ jointCount, root: 0, links });
      const peaks = Array.from({ length: jointCount }, () =>
        Array.from({ length: 1 + rng.int(3) }, () => ({
          row: rng.int(64),
          col: rng.int(64),
          value: rng.uniform(0, 3),
        })).sort((a, b) => b.value - a.value),
      );
      const params = links.flatMap(() => [rng.uniform(2, 20), rng.uniform(-1, 4)]);
      const all = configurations(tree, peaks, params);
      const best = all.reduce((a, b) => (b.logJoint > a.logJoint ? b : a));
      const score = (aggregator: (typeof TREE_AGGREGATORS)[number]) =>
        scoreTree(tree, peaks, params, { aggregator });
      const tolerance = 1e-9 * (1 + Math.abs(closedFormSum(tree, peaks, params)));
      expectClose([score('sum').score], [closedFormSum(tree, peaks, params)], tolerance);
      expectClose([score('max').score], [best.logJoint]);
      expect(Array.from(score('max').trace)).toEqual(best.choice);
      expectClose([score('expected').score], [sum(all.map((c) => c.weight * c.loglik))]);
      expectClose([score('logMarginal').score], [logSumExp(all.map((c) => c.logJoint))]);
    }
  });
});

describe('TV-H GT heatmap argmax and training distance', () => {
  it('puts the two joints at (32, 25) and (40, 35), 12.806… grid px apart', () => {
    const { heatmaps } = renderTargetHeatmaps(
      [
        { row: 128, col: 100, visibility: 1 },
        { row: 160, col: 140, visibility: 1 },
      ],
      256,
      64,
    );
    const first = globalArgmax(heatmaps.subarray(0, 4096), 64, 64);
    const second = globalArgmax(heatmaps.subarray(4096), 64, 64);
    expect([first.row, first.col, second.row, second.col]).toEqual([32, 25, 40, 35]);
    expect(Math.abs(first.value - 28.90268439659456)).toBeLessThanOrEqual(1e-4);
    expectClose([Math.hypot(first.row - second.row, first.col - second.col)], [12.806248474865697]);
  });
});

describe('TV-I other samplers', () => {
  it('aleatoric loss: argmax (10,12) vs GT (13,16), s = ln 5', () => {
    expectClose([aleatoricHeatmapLoss([10, 12], [13, 16], [Math.log(5)], [1])], [3.3047189562170503]);
    expectClose(
      [aleatoricHeatmapLoss([10, 12, 0, 0], [13, 16, 9, 9], [Math.log(5), 0], [1, 0])],
      [3.3047189562170503 / 2],
    );
  });

  it('LL++ KL objective (batchmean) and the Yoo–Kweon ranking objective', () => {
    const trueLoss = [0.2, 0.1, 0.05, 0.3];
    expectClose([learningLossKl(trueLoss, [1, 0, 0, 2])], [0.03872606520209962]);
    expectClose([learningLossRanking(trueLoss, [0.2, 0.5, 0.6, 0.1])], [1.4]);
  });

  it('true-loss normalisation', () => {
    expectClose([normalisedTrueLoss([0.02, 0.01], 16)], [0.0009316770186335402]);
  });

  it('Core-Set on embeddings through runHeatmapSampler picks 4, then 3', () => {
    const selection = runHeatmapSampler(
      'coreset',
      {
        jointCount: 3,
        tree: humanTree({
          jointCount: 3,
          root: 0,
          links: [
            [0, 1],
            [1, 2],
          ],
        }),
        candidates: {
          count: 5,
          peaks: new Float32Array(5 * 3 * 3),
          maxPeaks: 1,
          embedding: Float32Array.from([0, 0, 1, 0, 5, 0, 5, 1, 10, 0]),
          embeddingSize: 2,
        },
        labelled: { count: 1, embedding: Float32Array.of(0, 0) },
      },
      { budget: 2 },
    );
    expect(Array.from(selection.picks)).toEqual([4, 3]);
    expect(selection.reasons[0]).toMatchObject({
      kind: 'coreset-features',
      distance: 10,
      nearest: { set: 'labelled', index: 0 },
    });
    expect(selection.reasons[1]).toMatchObject({ distance: expect.closeTo(Math.sqrt(26), 9) });
  });

  it('PCKh grid: 5 px off with head diagonal 20 is correct from threshold index 5 on', () => {
    const curve = referencePckhCurve({
      jointCount: 1,
      predicted: [13, 14],
      groundTruth: [10, 10],
      headBoxDiagonal: [20],
    });
    expect(Array.from(curve.perJoint)).toEqual([0, 0, 0, 0, 0, ...new Array(15).fill(1)]);
    expectClose([curve.thresholds[5]!], [5 / 19]);
  });
});
