/**
 * Streamed k-center greedy (Sener & Savarese; spec bayesian-deepprior-cke §5.4, §5.8).
 *
 * The reference materialises an (n + m)×m distance matrix; here only the nearest-centre distance per point is kept
 * and updated once per new centre. Exact shortcuts (they never change a result, only skip work):
 * - projection bound: for Q with orthonormal rows, ‖Q(x − c)‖ ≤ ‖x − c‖, so a centre whose 8-d projection is
 *   already farther than the point's current nearest centre cannot be nearer. Q holds the top principal axes of the
 *   points, where poses differ most, so 8 axes bound most of the distance at 8/63 of the cost.
 * - group bound: initial centres are grouped; a group whose projected ball is beyond the best distance is skipped.
 * - early abandoning: a squared distance stops accumulating once it exceeds the current minimum.
 * Rounding is covered by explicit margins, so pruning never drops a centre the plain computation would keep.
 */
import { createRng } from '@shared/random';

/** Number of projection axes; fixed so the bound runs on eight locals (axes beyond the data's dims are zero). */
const AXES = 8;
/** Projection bounds within this relative margin never prune, so rounding cannot skip a genuinely nearer centre. */
const PRUNE_RELATIVE_SLACK = 1e-9;
const POWER_ITERATIONS = 10;
/** The axes only guide pruning, so a strided subsample of the points is enough to estimate them. */
const AXIS_SAMPLE_ROWS = 4096;
const GROUPING_ITERATIONS = 3;
const ABANDON_BLOCK = 8;

/** Squared distance between the 8-d projection at `at` in `projections` and (q0…q7). Small so V8 inlines it. */
function projectedSquared(
  projections: Float64Array,
  at: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  q6: number,
  q7: number,
): number {
  let d = projections[at]! - q0;
  let sum = d * d;
  d = projections[at + 1]! - q1;
  sum += d * d;
  d = projections[at + 2]! - q2;
  sum += d * d;
  d = projections[at + 3]! - q3;
  sum += d * d;
  d = projections[at + 4]! - q4;
  sum += d * d;
  d = projections[at + 5]! - q5;
  sum += d * d;
  d = projections[at + 6]! - q6;
  sum += d * d;
  d = projections[at + 7]! - q7;
  return sum + d * d;
}

/** Whether a projected squared distance proves the true distance exceeds `reach` (with the rounding slack). */
function beyond(projected: number, reach: number): boolean {
  return projected > reach * reach * (1 + PRUNE_RELATIVE_SLACK);
}

/**
 * Tracks, for every point, the nearest centre so far (the lowest id wins ties) and its squared distance.
 * Initial centres (ids 0…m−1) are seeded point by point, nearest groups first; later centres are added one at a time
 * by `addCentre`: O(n) 8-d bound checks plus O(D) for each point the bound admits. Memory O((n + m)·8).
 */
export class NearestCentreTracker {
  readonly count: number;
  /** Squared distance to the nearest centre; +Infinity before the first centre. */
  readonly minSquared: Float64Array;
  /** Id of the nearest centre (initial centre j has id j); −1 before the first centre. */
  readonly nearest: Int32Array;
  /** After addCentre: the points whose nearest centre changed, in the first (returned count) entries. */
  readonly changed: Int32Array;
  private readonly minDistance: Float64Array;
  /** AXES×dims, orthonormal (or zero) rows. */
  private readonly axes: Float64Array;
  /** count×AXES projections of the points. */
  private readonly projections: Float64Array;
  private readonly maxPointNorm: number;

  /** `initialCentres`: m×dims rows that become centres 0…m−1 (may be empty). */
  constructor(
    private readonly points: Float32Array,
    private readonly dims: number,
    initialCentres: Float32Array = new Float32Array(0),
  ) {
    this.count = Math.floor(points.length / dims);
    this.minSquared = new Float64Array(this.count).fill(Number.POSITIVE_INFINITY);
    this.minDistance = new Float64Array(this.count).fill(Number.POSITIVE_INFINITY);
    this.nearest = new Int32Array(this.count).fill(-1);
    this.changed = new Int32Array(this.count);
    this.axes = principalAxes(points, dims, this.count);
    const { projections, maxNorm } = this.projectAll(points);
    this.projections = projections;
    this.maxPointNorm = maxNorm;
    if (initialCentres.length > 0) this.seed(initialCentres);
  }

  /** Projections of every row of `rows` (rows×AXES) and the largest row norm. */
  private projectAll(rows: Float32Array): { projections: Float64Array; maxNorm: number } {
    const { dims, axes } = this;
    const rowCount = Math.floor(rows.length / dims);
    const projections = new Float64Array(rowCount * AXES);
    let maxNormSquared = 0;
    for (let i = 0; i < rowCount; i++) {
      const base = i * dims;
      let normSquared = 0;
      for (let c = 0; c < dims; c++) normSquared += rows[base + c]! * rows[base + c]!;
      maxNormSquared = Math.max(maxNormSquared, normSquared);
      for (let a = 0; a < AXES; a++) {
        let projected = 0;
        for (let c = 0; c < dims; c++) projected += rows[base + c]! * axes[a * dims + c]!;
        projections[i * AXES + a] = projected;
      }
    }
    return { projections, maxNorm: Math.sqrt(maxNormSquared) };
  }

  /**
   * Rounding allowance for projection bounds: a dot product of D terms is off by at most ~D·ε·‖x‖ per unit axis,
   * so this covers both projections on every axis with room to spare.
   */
  private projectionMargin(centreNorm: number): number {
    return Math.sqrt(AXES) * 4 * this.dims * Number.EPSILON * (this.maxPointNorm + centreNorm);
  }

  /** Squared distance from point i to row `row` of `source`, or some value > `limit` once it must exceed it. */
  private squaredDistanceWithin(i: number, source: Float32Array, row: number, limit: number): number {
    const { dims, points } = this;
    const pointBase = i * dims;
    const centreBase = row * dims;
    let sum = 0;
    let c = 0;
    for (let blockEnd = ABANDON_BLOCK; blockEnd <= dims && sum <= limit; blockEnd += ABANDON_BLOCK) {
      for (; c < blockEnd; c++) {
        const diff = points[pointBase + c]! - source[centreBase + c]!;
        sum += diff * diff;
      }
    }
    if (sum > limit) return sum;
    for (; c < dims; c++) {
      const diff = points[pointBase + c]! - source[centreBase + c]!;
      sum += diff * diff;
    }
    return sum;
  }

  private record(i: number, squared: number, centreId: number): void {
    this.minSquared[i] = squared;
    this.minDistance[i] = Math.sqrt(squared);
    this.nearest[i] = centreId;
  }

  /**
   * Nearest initial centre of every point. Centres are grouped (k-means on their projections) and visited nearest
   * group first, so the best distance shrinks early; a group whose projected ball lies beyond it is skipped whole.
   */
  private seed(centres: Float32Array): void {
    const { projections } = this;
    const centreSet = this.projectAll(centres);
    const groups = groupByProjection(centreSet.projections);
    const groupCount = groups.radius.length;
    const margin = this.projectionMargin(centreSet.maxNorm);
    const toMean = new Float64Array(groupCount);
    const groupBound = new Float64Array(groupCount);
    const groupOrder = new Int32Array(groupCount);
    const byBound = (a: number, b: number): number => groupBound[a]! - groupBound[b]!;

    for (let i = 0; i < this.count; i++) {
      const at = i * AXES;
      const p0 = projections[at]!;
      const p1 = projections[at + 1]!;
      const p2 = projections[at + 2]!;
      const p3 = projections[at + 3]!;
      const p4 = projections[at + 4]!;
      const p5 = projections[at + 5]!;
      const p6 = projections[at + 6]!;
      const p7 = projections[at + 7]!;
      // Triangle inequality in projection space: ‖Q(x − c)‖ ≥ ‖Q(x − μ_g)‖ − ‖Q(c − μ_g)‖ ≥ ‖Q(x − μ_g)‖ − radius_g.
      for (let g = 0; g < groupCount; g++) {
        toMean[g] = Math.sqrt(projectedSquared(groups.centroid, g * AXES, p0, p1, p2, p3, p4, p5, p6, p7));
        groupBound[g] = toMean[g]! - groups.radius[g]!;
        groupOrder[g] = g;
      }
      groupOrder.sort(byBound);
      let best = Number.POSITIVE_INFINITY;
      let bestDistance = Number.POSITIVE_INFINITY;
      let bestId = -1;
      for (let o = 0; o < groupCount; o++) {
        const g = groupOrder[o]!;
        // Strict, so centres tying with the best are still examined for the lowest-id rule.
        if (groupBound[g]! - margin > bestDistance * (1 + PRUNE_RELATIVE_SLACK)) break;
        const pruneBeyond = bestDistance * (1 + PRUNE_RELATIVE_SLACK) + margin;
        for (let m = groups.start[g]!; m < groups.start[g + 1]!; m++) {
          // Cheapest first: the member's own distance to the group mean (annulus), then its full projection.
          if (Math.abs(toMean[g]! - groups.memberRadius[m]!) > pruneBeyond) continue;
          const projected = projectedSquared(
            groups.memberProjections,
            m * AXES,
            p0,
            p1,
            p2,
            p3,
            p4,
            p5,
            p6,
            p7,
          );
          if (beyond(projected, bestDistance + margin)) continue;
          const j = groups.members[m]!;
          const squared = this.squaredDistanceWithin(i, centres, j, best);
          if (squared < best || (squared === best && j < bestId)) {
            best = squared;
            bestDistance = Math.sqrt(squared);
            bestId = j;
          }
        }
      }
      if (bestId >= 0) this.record(i, best, bestId);
    }
  }

  /** Adds row `row` of `source` (same dims) as a centre; returns how many points now have it as nearest centre. */
  addCentre(source: Float32Array, row: number, centreId: number): number {
    const { minSquared, minDistance, changed, projections } = this;
    const centre = this.projectAll(source.subarray(row * this.dims, (row + 1) * this.dims));
    const [q0, q1, q2, q3, q4, q5, q6, q7] = centre.projections;
    const margin = this.projectionMargin(centre.maxNorm);
    let changedCount = 0;
    for (let i = 0; i < this.count; i++) {
      const best = minSquared[i]!;
      if (best !== Number.POSITIVE_INFINITY) {
        const projected = projectedSquared(projections, i * AXES, q0!, q1!, q2!, q3!, q4!, q5!, q6!, q7!);
        if (beyond(projected, minDistance[i]! + margin)) continue;
      }
      const squared = this.squaredDistanceWithin(i, source, row, best);
      if (squared < best) {
        this.record(i, squared, centreId);
        changed[changedCount++] = i;
      }
    }
    return changedCount;
  }
}

interface ProjectionGroups {
  /** Row indices grouped: group g owns members[start[g] … start[g + 1]). */
  members: Int32Array;
  start: Int32Array;
  /** The members' projections in the same order, so a group is scanned sequentially. */
  memberProjections: Float64Array;
  /** groupCount×AXES group means. */
  centroid: Float64Array;
  /** Projected distance from each member (same order) to its group mean. */
  memberRadius: Float64Array;
  /** Largest member radius of each group (−Infinity for an empty group). */
  radius: Float64Array;
}

/** Index of the nearest centroid to the projection at `at`. */
function nearestCentroid(rowProjections: Float64Array, at: number, centroid: Float64Array): number {
  let bestGroup = 0;
  let bestSquared = Number.POSITIVE_INFINITY;
  for (let g = 0; g < centroid.length / AXES; g++) {
    let squared = 0;
    for (let a = 0; a < AXES; a++) {
      const diff = rowProjections[at + a]! - centroid[g * AXES + a]!;
      squared += diff * diff;
    }
    if (squared < bestSquared) {
      bestSquared = squared;
      bestGroup = g;
    }
  }
  return bestGroup;
}

/**
 * Partitions rows (given as rows×AXES projections) into ~√rows compact groups by a few Lloyd iterations started
 * from evenly spaced rows. Only how much is pruned depends on the grouping, never the result.
 * O(iterations·rows^1.5) time, O(rows) memory.
 */
function groupByProjection(rowProjections: Float64Array): ProjectionGroups {
  const count = rowProjections.length / AXES;
  const groupCount = Math.max(1, Math.round(Math.sqrt(count)));
  const centroid = new Float64Array(groupCount * AXES);
  for (let g = 0; g < groupCount; g++) {
    const row = Math.floor((g * count) / groupCount);
    centroid.set(rowProjections.subarray(row * AXES, (row + 1) * AXES), g * AXES);
  }
  const assignment = new Int32Array(count);
  const sizes = new Int32Array(groupCount);
  for (let iteration = 0; iteration < GROUPING_ITERATIONS; iteration++) {
    for (let j = 0; j < count; j++) assignment[j] = nearestCentroid(rowProjections, j * AXES, centroid);
    // New means; an emptied group keeps its old centroid and simply stays empty.
    sizes.fill(0);
    for (let j = 0; j < count; j++) sizes[assignment[j]!]!++;
    for (let g = 0; g < groupCount; g++) if (sizes[g]! > 0) centroid.fill(0, g * AXES, (g + 1) * AXES);
    for (let j = 0; j < count; j++) {
      const g = assignment[j]!;
      for (let a = 0; a < AXES; a++) centroid[g * AXES + a]! += rowProjections[j * AXES + a]! / sizes[g]!;
    }
  }

  const start = new Int32Array(groupCount + 1);
  for (let g = 0; g < groupCount; g++) start[g + 1] = start[g]! + sizes[g]!;
  const nextSlot = start.slice(0, groupCount);
  const members = new Int32Array(count);
  const memberProjections = new Float64Array(count * AXES);
  const memberRadius = new Float64Array(count);
  const radius = new Float64Array(groupCount).fill(Number.NEGATIVE_INFINITY);
  for (let j = 0; j < count; j++) {
    const g = assignment[j]!;
    const slot = nextSlot[g]!++;
    members[slot] = j;
    memberProjections.set(rowProjections.subarray(j * AXES, (j + 1) * AXES), slot * AXES);
    let squared = 0;
    for (let a = 0; a < AXES; a++) {
      const diff = rowProjections[j * AXES + a]! - centroid[g * AXES + a]!;
      squared += diff * diff;
    }
    memberRadius[slot] = Math.sqrt(squared);
    radius[g] = Math.max(radius[g]!, memberRadius[slot]!);
  }
  return { members, start, memberProjections, memberRadius, centroid, radius };
}

/**
 * The top principal axes (up to AXES, as orthonormal rows of an AXES×dims matrix; rows beyond the data's rank or dims
 * are zero) of the subsampled, centred points, by block power iteration.
 */
function principalAxes(points: Float32Array, dims: number, count: number): Float64Array {
  const stride = Math.max(1, Math.ceil(count / AXIS_SAMPLE_ROWS));
  const centroid = new Float64Array(dims);
  let sampled = 0;
  for (let i = 0; i < count; i += stride, sampled++) {
    for (let c = 0; c < dims; c++) centroid[c]! += points[i * dims + c]!;
  }
  for (let c = 0; c < dims; c++) centroid[c]! /= Math.max(1, sampled);

  // A fixed pseudo-random start keeps the axes (and so the work done, never the result) reproducible.
  const start = createRng(0x5eed);
  let axes = Float64Array.from({ length: AXES * dims }, () => start.normal());
  orthonormalise(axes, dims);
  let next = new Float64Array(AXES * dims);
  const centred = new Float64Array(dims);
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    next.fill(0);
    for (let i = 0; i < count; i += stride) {
      for (let c = 0; c < dims; c++) centred[c] = points[i * dims + c]! - centroid[c]!;
      for (let a = 0; a < AXES; a++) {
        let along = 0;
        for (let c = 0; c < dims; c++) along += centred[c]! * axes[a * dims + c]!;
        for (let c = 0; c < dims; c++) next[a * dims + c]! += along * centred[c]!;
      }
    }
    orthonormalise(next, dims);
    [axes, next] = [next, axes];
  }
  return axes;
}

/**
 * Modified Gram–Schmidt over the AXES rows, applied twice for orthogonality to rounding level; a row that is
 * (numerically) dependent on the earlier ones becomes zero, which only weakens the bound. With dims < AXES at most
 * dims rows survive.
 */
function orthonormalise(rows: Float64Array, dims: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let a = 0; a < AXES; a++) {
      const base = a * dims;
      let originalNorm = 0;
      for (let c = 0; c < dims; c++) originalNorm += rows[base + c]! * rows[base + c]!;
      for (let b = 0; b < a; b++) {
        let overlap = 0;
        for (let c = 0; c < dims; c++) overlap += rows[base + c]! * rows[b * dims + c]!;
        for (let c = 0; c < dims; c++) rows[base + c]! -= overlap * rows[b * dims + c]!;
      }
      let norm = 0;
      for (let c = 0; c < dims; c++) norm += rows[base + c]! * rows[base + c]!;
      const scale = norm > 1e-20 * originalNorm && norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let c = 0; c < dims; c++) rows[base + c]! *= scale;
    }
  }
}

/**
 * Index of the largest score among points not yet taken; the first one on ties (spec G15). −1 if all are taken.
 * (+Infinity, the score of points with no centre yet, is larger than any finite score.)
 */
export function argmaxUntaken(scores: Float64Array, taken: Uint8Array): number {
  let bestIndex = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    if (taken[i] === 0 && (bestIndex < 0 || scores[i]! > bestScore)) {
      bestIndex = i;
      bestScore = scores[i]!;
    }
  }
  return bestIndex;
}

/** Squared Euclidean distance between row `rowA` of `a` and row `rowB` of `b`. */
export function squaredDistance(
  a: Float32Array,
  rowA: number,
  b: Float32Array,
  rowB: number,
  dims: number,
): number {
  const baseA = rowA * dims;
  const baseB = rowB * dims;
  let sum = 0;
  for (let c = 0; c < dims; c++) {
    const diff = a[baseA + c]! - b[baseB + c]!;
    sum += diff * diff;
  }
  return sum;
}

function gatherRows(features: Float32Array, dims: number, rows: ArrayLike<number>): Float32Array {
  const gathered = new Float32Array(rows.length * dims);
  for (let j = 0; j < rows.length; j++)
    gathered.set(features.subarray(rows[j]! * dims, (rows[j]! + 1) * dims), j * dims);
  return gathered;
}

/** Initial centres: rows of a separate matrix (e.g. labelled predictions), or rows of `features` itself. */
export type InitialCentres = { features: Float32Array } | { indices: ArrayLike<number> };

export interface KCenterResult {
  /** Row indices into `features`, in selection order. */
  picks: Int32Array;
  /** Distance from each pick to its nearest centre at the time it was picked (+Infinity if there was none). */
  distances: Float64Array;
  /**
   * The nearest centre at pick time: k < initialCount means initial centre k (row k of the centre matrix, or the k-th
   * entry of `indices`); initialCount + r means row r of `features` (an earlier pick); −1 means none.
   */
  nearestCentre: Int32Array;
  initialCount: number;
}

/**
 * k-center greedy: repeatedly pick the point farthest from every centre (initial centres, then earlier picks).
 *   d_i = min_{c ∈ S} ‖x_i − c‖;  pick argmax_i d_i (first on ties);  S ← S ∪ {x_pick};  repeat `budget` times.
 * With no initial centres the first pick is row 0 (every distance is +∞); pass a random row as centre for a random start.
 * Initial centres given by index are never picked. Returns min(budget, pickable rows) unique picks.
 *
 * Time O((m + B)·n·D) in the worst case (isotropic data defeats the bounds), far less on pose-like data; memory
 * O(n + m) beyond the inputs, never a distance matrix (n rows, m initial centres, B budget, D dims).
 * Usable for seed-set selection on image features as well.
 */
export function kCenterGreedy(
  features: Float32Array,
  dims: number,
  initialCentres: InitialCentres,
  budget: number,
): KCenterResult {
  const initialRows =
    'features' in initialCentres
      ? initialCentres.features
      : gatherRows(features, dims, initialCentres.indices);
  const initialCount = Math.floor(initialRows.length / dims);
  const tracker = new NearestCentreTracker(features, dims, initialRows);
  const taken = new Uint8Array(tracker.count);
  if ('indices' in initialCentres)
    for (let j = 0; j < initialCount; j++) taken[initialCentres.indices[j]!] = 1;

  let pickable = 0;
  for (let i = 0; i < tracker.count; i++) pickable += taken[i] === 0 ? 1 : 0;
  const pickCount = Math.min(budget, pickable);
  const picks = new Int32Array(pickCount);
  const distances = new Float64Array(pickCount);
  const nearestCentre = new Int32Array(pickCount);
  for (let rank = 0; rank < pickCount; rank++) {
    const pick = argmaxUntaken(tracker.minSquared, taken);
    picks[rank] = pick;
    distances[rank] = Math.sqrt(tracker.minSquared[pick]!);
    nearestCentre[rank] = tracker.nearest[pick]!;
    taken[pick] = 1;
    tracker.addCentre(features, pick, initialCount + pick);
  }
  return { picks, distances, nearestCentre, initialCount };
}
