import { createRng } from '@shared/random';

/**
 * Which video frames to label. Uniform: `count` frames evenly spread (the centres of `count` equal slices). K-means
 * (DeepLabCut's `kmeans` frame extraction): cluster the frames' small grey thumbnails into `count` clusters and take,
 * per cluster, the member nearest its centre, so visually distinct moments each get a frame. Both return sorted,
 * distinct frame indices.
 */
export function uniformFrames(total: number, count: number): number[] {
  const n = Math.min(count, total);
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * total) / n));
}

/**
 * K-means (k-means++ seeding, Lloyd iterations) on `features` (one vector per candidate frame); returns the chosen
 * candidates' positions in `features` (min(count, candidates) of them). Deterministic for a seed.
 */
export function kmeansFrames(
  features: readonly Uint8Array[],
  count: number,
  seed = 1,
  iterations = 30,
): number[] {
  const k = Math.min(count, features.length);
  if (k === 0) return [];
  const rng = createRng(seed);
  const dims = features[0]!.length;
  const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let sum = 0;
    for (let d = 0; d < dims; d++) sum += (a[d]! - b[d]!) ** 2;
    return sum;
  };
  const centres: Float64Array[] = [Float64Array.from(features[Math.floor(rng.next() * features.length)]!)];
  const nearest = features.map((feature) => distance(feature, centres[0]!));
  while (centres.length < k) {
    const total = nearest.reduce((sum, value) => sum + value, 0);
    let target = rng.next() * total;
    let pick = nearest.findIndex((value) => (target -= value) <= 0);
    if (total === 0 || pick < 0) pick = nearest.findIndex((value) => value === Math.max(...nearest));
    centres.push(Float64Array.from(features[pick]!));
    features.forEach(
      (feature, i) => (nearest[i] = Math.min(nearest[i]!, distance(feature, centres.at(-1)!))),
    );
  }
  const assignment = new Int32Array(features.length);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let changed = false;
    features.forEach((feature, i) => {
      let best = 0;
      for (let c = 1; c < k; c++)
        if (distance(feature, centres[c]!) < distance(feature, centres[best]!)) best = c;
      if (best !== assignment[i]) changed = true;
      assignment[i] = best;
    });
    for (let c = 0; c < k; c++) {
      const members = features.filter((_, i) => assignment[i] === c);
      if (members.length === 0) continue;
      const centre = new Float64Array(dims);
      for (const member of members) for (let d = 0; d < dims; d++) centre[d]! += member[d]! / members.length;
      centres[c] = centre;
    }
    if (!changed && iteration > 0) break;
  }
  const picks = new Set<number>();
  for (let c = 0; c < k; c++) {
    let best = -1;
    features.forEach((feature, i) => {
      if (assignment[i] !== c || picks.has(i)) return;
      if (best < 0 || distance(feature, centres[c]!) < distance(features[best]!, centres[c]!)) best = i;
    });
    if (best >= 0) picks.add(best);
  }
  // A cluster left empty (identical frames) still owes a frame: the one farthest from those picked.
  while (picks.size < k) {
    let far = -1;
    let farthest = -1;
    features.forEach((feature, i) => {
      if (picks.has(i)) return;
      const gap = Math.min(...[...picks].map((p) => distance(feature, features[p]!)));
      if (gap > farthest) [far, farthest] = [i, gap];
    });
    picks.add(far);
  }
  return [...picks].sort((a, b) => a - b);
}
