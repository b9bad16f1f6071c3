/**
 * Label quality control: flags human labels whose limb proportions are implausible, or whose left and right look
 * swapped, with a false-alarm rate that holds on correct labels. Lengths are image pixels, the annotate view's unit.
 *
 * Why not the VL4Pose likelihood of each link (the first version): its threshold on ℓ = −½(ln 2π + s + z²) mixes the
 * residual with σ itself, and an auxiliary net trained on a few dozen labels predicts neither a person's scale nor a
 * useful σ. On the RGB demo it flagged 14 of 230 correct labels, several of them on every link: images whose person
 * was simply larger than the model guessed, so every bone "too long" together (issue 14). A person's bones scale
 * together, so here each label is measured against its **own** scale:
 * - m_k, the typical length of link k, is its median over the labels checked; s_i, label i's scale, the median of
 *   d_ik / m_k over its links (a wrong joint moves two links at most, so it hardly moves s_i);
 * - x_ik = ln(d_ik / (s_i·m_k)) is how much longer link k is than that label's proportions say. Its robust z,
 *   (x − median)/(1.4826·MAD), is taken per link over the labels (bones vary differently: forearms foreshorten more
 *   than the neck) when the link has MIN_CALIBRATION_LINKS values, else pooled over all links; with fewer values in
 *   all there is no reference and nothing is flagged by length;
 * - only too **long** links count: a 2-D projection can only shorten a bone (foreshortening), so a short link is
 *   always explainable and never proof of an error;
 * - the false-alarm level α (default 1 %: a correct label is flagged with probability ≈ α) is split between the two
 *   tests, α/2 each, leaving a factor two below issue 14's 2 % for residuals heavier-tailed than normal;
 * - the length limit is z > Φ⁻¹(1 − α/2L): a label with L links trips it by chance with probability ≤ α/2
 *   (Bonferroni);
 * - a left/right swap is flagged when exchanging the sides brings every too-long link they touch back to an
 *   unremarkable length (z ≤ Φ⁻¹(1 − α/2), the limit of a single link), or (for swaps that keep every length, e.g. a
 *   whole arm) when the model's prediction prefers the swapped sides — trusted only if it disagrees with at most α/2
 *   of the labels checked: a model that confuses left and right more often than annotators do would otherwise
 *   accuse correct labels.
 *
 * Pure float64 code with no Node or DOM imports.
 */
import { errorFunction, median, medianAbsoluteDeviation, probit } from 'simple-statistics';
import type { SkeletonLayout } from '../skeletons';
import { humanTree, linkName, type GridPoint, type HumanTree } from './likelihood';
import {
  distance,
  predictionVerdict,
  SWAP_MARGIN,
  swapCandidates,
  swapFlags,
  type Pose,
} from './label-swaps';

/** Default per-label false-alarm level of the two tests together (lengths, prediction swaps), α/2 each. */
export const QC_FALSE_ALARM = 0.01;
/** Fewer finite values than this and a robust calibration is too noisy (per link: pool; pooled: no length test). */
export const MIN_CALIBRATION_LINKS = 30;
/** MAD × this estimates σ for normal data. */
const MAD_TO_SIGMA = 1.4826;
/** One label, in image pixels (row = v, col = u). */
export interface LabelQcSample {
  /** Labelled position of every joint; ignored for absent joints. */
  positions: readonly GridPoint[];
  /** Per joint: −1 absent, 0 occluded, 1 visible. Links with an absent end are skipped. */
  visibility: ArrayLike<number>;
  /** The model's predicted positions: enables the prediction swap test. */
  prediction?: readonly GridPoint[];
}

export interface LabelQcOptions {
  /** α of both tests together (default QC_FALSE_ALARM). */
  falseAlarm?: number;
}

/** How one link's log-proportions were calibrated: robust z = (x − median) / scale. */
export interface QcCalibration {
  median: number;
  scale: number;
  /** Finite values it was estimated from. */
  links: number;
  /** 'link': this link over the labels; 'labels': every link pooled (too few of this one); 'none': too few in all. */
  source: 'link' | 'labels' | 'none';
}

export type LabelFlag =
  | {
      kind: 'unlikely-link';
      link: number;
      parent: number;
      child: number;
      /** "parent→child" with joint names. */
      name: string;
      /** Robust z-score of the link's log-proportion. */
      z: number;
      /** Labelled length, the length the label's own proportions predict, and the longest not flagged, image px. */
      lengthPx: number;
      expectedPx: number;
      limitPx: number;
      sentence: string;
    }
  | {
      kind: 'lr-swap';
      /** The [left, right] joint pairs whose positions were exchanged. */
      pairs: [number, number][];
      /** Largest robust z of the links the swap touches, before minus after (0 when found by the prediction). */
      zDrop: number;
      /** Σ distance to the prediction before minus after the swap, image px; null when not found by it. */
      distanceGainPx: number | null;
      sentence: string;
    };

export interface LabelQcResult {
  /** Robust z of every link, NaN where an end is absent or the link has no reference. */
  z: Float64Array;
  /** The largest finite z (−∞ when none): the label's ranking, least plausible first. */
  worstZ: number;
  flags: LabelFlag[];
}

export interface LabelQcSetReport {
  /** Per link (link order). */
  calibration: QcCalibration[];
  /** The robust z above which a link is flagged. */
  limitZ: number;
  /** The robust z a swap must bring the links it touches down to. */
  swapZ: number;
  /** Whether the prediction swap test ran, and how many checked labels the prediction disagreed with. */
  predictionSwaps: { trusted: boolean; disagreeing: number; allowed: number };
  /** One result per sample, in input order. */
  results: LabelQcResult[];
}

/** Φ⁻¹(p): simple-statistics' probit (±0.01) refined by two Newton steps on its erf (≈1e-7). */
export function normalQuantile(p: number): number {
  let z = probit(p);
  for (let step = 0; step < 2; step++) {
    const cdf = 0.5 * (1 + errorFunction(z / Math.SQRT2));
    z -= (cdf - p) / (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI));
  }
  return z;
}

function linkLengths(tree: HumanTree, pose: Pose): Float64Array {
  return Float64Array.from(tree.links, ([from, to]) => {
    const a = pose[from];
    const b = pose[to];
    return a && b ? distance(a, b) : NaN;
  });
}

/** Median and MAD-scale of the finite values, or `none` when there are too few of them or they do not spread. */
export function calibrate(values: readonly number[]): QcCalibration {
  const finite = values.filter(Number.isFinite);
  if (finite.length >= MIN_CALIBRATION_LINKS) {
    const scale = MAD_TO_SIGMA * medianAbsoluteDeviation(finite);
    if (scale > 0) return { median: median(finite), scale, links: finite.length, source: 'labels' };
  }
  return { median: 0, scale: 1, links: finite.length, source: 'none' };
}

function finiteMedian(values: ArrayLike<number>): number {
  const finite = Array.from(values).filter((v) => Number.isFinite(v) && v > 0);
  return finite.length > 0 ? median(finite) : NaN;
}

/**
 * Checks a set of labels (see the file comment): the typical proportions and their spread come from the whole set,
 * then each label's too-long links and left/right swaps are flagged. Swaps are found greedily (strongest first, each
 * re-checked on the label with the earlier swaps applied), so one mistake gives one swap flag; link flags come in link
 * order, then the swaps. O(N·P²·L) for N labels and P swap candidates (P ≤ 8 for the human layouts).
 */
export function labelQcSet(
  layout: SkeletonLayout,
  samples: readonly LabelQcSample[],
  options: LabelQcOptions = {},
): LabelQcSetReport {
  const alpha = options.falseAlarm ?? QC_FALSE_ALARM;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`falseAlarm must be in (0, 1), got ${alpha}`);
  const tree = humanTree(layout);
  const poses = samples.map((sample, i): Pose => {
    for (const [name, length] of [
      ['positions', sample.positions.length],
      ['visibility', sample.visibility.length],
      ['prediction', sample.prediction?.length ?? tree.jointCount],
    ] as const) {
      if (length !== tree.jointCount)
        throw new RangeError(`sample ${i}: ${name}: expected ${tree.jointCount} joints, got ${length}`);
    }
    return sample.positions.map((p, j) => (sample.visibility[j]! >= 0 ? p : null));
  });
  const lengths = poses.map((pose) => linkLengths(tree, pose));
  const typical = tree.links.map((_, k) => finiteMedian(lengths.map((d) => d[k]!)));
  const scales = lengths.map((d) => finiteMedian(d.map((v, k) => v / typical[k]!)));
  const logProportions = (d: Float64Array, scale: number): Float64Array =>
    d.map((v, k) => Math.log(v / (scale * typical[k]!)));
  const x = lengths.map((d, i) => logProportions(d, scales[i]!));
  const pooled = calibrate(x.flatMap((values) => [...values]));
  const calibration = tree.links.map((_, k): QcCalibration => {
    const own = calibrate(x.map((values) => values[k]!));
    return own.source === 'labels' ? { ...own, source: 'link' } : pooled;
  });
  const testAlpha = alpha / 2;
  const limitZ = normalQuantile(1 - testAlpha / tree.links.length);
  const swapZ = normalQuantile(1 - testAlpha);
  const robust = (values: Float64Array): Float64Array =>
    values.map((v, k) =>
      calibration[k]!.source === 'none' ? NaN : (v - calibration[k]!.median) / calibration[k]!.scale,
    );

  const candidates = swapCandidates(layout);
  const present = (pose: Pose, pairs: [number, number][]): boolean => pairs.flat().every((j) => pose[j]);
  const margins = lengths.map((d) => SWAP_MARGIN * finiteMedian(d));
  const disagreeing = samples.filter((sample, i) => {
    const { prediction } = sample;
    const pose = poses[i]!;
    return (
      prediction !== undefined &&
      candidates.some(
        (pairs) => present(pose, pairs) && predictionVerdict(pose, prediction, pairs, margins[i]!).disagrees,
      )
    );
  }).length;
  const allowed = Math.floor(testAlpha * samples.length);
  const predictionSwaps = { trusted: disagreeing <= allowed, disagreeing, allowed };

  const results = samples.map((sample, i): LabelQcResult => {
    const z = robust(x[i]!);
    const flags: LabelFlag[] = [];
    z.forEach((value, link) => {
      if (!(value > limitZ)) return;
      const [parent, child] = tree.links[link]!;
      const { median: centre, scale } = calibration[link]!;
      const expected = scales[i]! * typical[link]!;
      const lengthPx = lengths[i]![link]!;
      const expectedPx = expected * Math.exp(centre);
      const limitPx = expected * Math.exp(centre + limitZ * scale);
      const name = linkName(tree, link);
      flags.push({
        kind: 'unlikely-link',
        link,
        parent,
        child,
        name,
        z: value,
        lengthPx,
        expectedPx,
        limitPx,
        sentence: `Link ${name} is ${lengthPx.toFixed(1)} px long where this person's other limbs suggest ${expectedPx.toFixed(1)} px and at most ${limitPx.toFixed(1)} px (robust z ${value.toFixed(1)} > ${limitZ.toFixed(1)}).`,
      });
    });
    const zOf = (pose: Pose) => robust(logProportions(linkLengths(tree, pose), scales[i]!));
    const prediction = predictionSwaps.trusted ? sample.prediction : undefined;
    const limits = { limitZ, swapZ };
    flags.push(...swapFlags(tree, layout, candidates, poses[i]!, zOf, limits, prediction, margins[i]!));
    const worstZ = Math.max(-Infinity, ...Array.from(z).filter(Number.isFinite));
    return { z, worstZ, flags };
  });
  return { calibration, limitZ, swapZ, predictionSwaps, results };
}
