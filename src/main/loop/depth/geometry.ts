import type { Joint } from '@shared/domain';
import { denormaliseUvd, normaliseUvd, type CropFrame } from '../../datasets';
import type { CropGeometry } from '../../learner';

/**
 * Crop ↔ image transforms of the depth pipeline (spec §1.3): the learner sees joints as normalised crop coordinates
 * (u, v in crop sides around the hand centre, d in cube sides); people and stored predictions see image pixels and
 * millimetres. Rows of model output are joint-major: u, v, d per joint.
 */

/** Joints as flat uvd, or null when any joint is absent (the regressor needs every coordinate). */
export function jointsToUvd(joints: readonly Joint[]): Float64Array | null {
  const uvd = new Float64Array(joints.length * 3);
  for (const [j, joint] of joints.entries()) {
    if (joint.u === null || joint.v === null || joint.d === null || joint.visibility === 'absent')
      return null;
    uvd.set([joint.u, joint.v, joint.d], j * 3);
  }
  return uvd;
}

export function normalisedTargets(
  frames: readonly CropFrame[],
  uvds: readonly Float64Array[],
  cubeMm: number,
): Float32Array {
  const outputs = uvds[0]?.length ?? 0;
  const y = new Float32Array(frames.length * outputs);
  frames.forEach((frame, i) => y.set(normaliseUvd(uvds[i]!, frame, cubeMm), i * outputs));
  return y;
}

/** Normalised model outputs (rows of `values`) back to image space, joint-major u px, v px, d mm. */
export function toImageSpace(
  values: Float32Array,
  row: number,
  outputs: number,
  frame: CropFrame,
  cubeMm: number,
): Float32Array {
  return Float32Array.from(
    denormaliseUvd(values.subarray(row * outputs, (row + 1) * outputs), frame, cubeMm),
  );
}

/** Normalised std back to image units: u, v std × S (px, S the crop side), d std × cube (mm). */
export function stdToImageSpace(
  std: Float32Array,
  row: number,
  outputs: number,
  side: number,
  cubeMm: number,
): Float32Array {
  const out = new Float32Array(outputs);
  for (let c = 0; c < outputs; c++) out[c] = std[row * outputs + c]! * (c % 3 === 2 ? cubeMm : side);
  return out;
}

/** Normalised variance back to image units: u, v × S² (px²), d × cube² (mm²). */
export function varianceToImageSpace(
  variance: Float32Array,
  row: number,
  outputs: number,
  side: number,
  cubeMm: number,
): Float32Array {
  const out = new Float32Array(outputs);
  for (let c = 0; c < outputs; c++)
    out[c] = variance[row * outputs + c]! * (c % 3 === 2 ? cubeMm * cubeMm : side * side);
  return out;
}

/** The crops, targets and geometry of some rows of a labelled batch, in the given order. */
export function selectRows(
  batch: { x: Float32Array; y: Float32Array; geometry: CropGeometry },
  rows: readonly number[],
  pixels: number,
  outputs: number,
): { x: Float32Array; y: Float32Array; geometry: CropGeometry; count: number } {
  const x = new Float32Array(rows.length * pixels);
  const y = new Float32Array(rows.length * outputs);
  const geometry: CropGeometry = {
    centre: new Float64Array(rows.length * 3),
    cropSize: new Float64Array(rows.length),
    cube: new Float64Array(rows.length),
    intrinsics: new Float64Array(rows.length * 4),
  };
  rows.forEach((r, i) => {
    x.set(batch.x.subarray(r * pixels, (r + 1) * pixels), i * pixels);
    y.set(batch.y.subarray(r * outputs, (r + 1) * outputs), i * outputs);
    geometry.centre.set(batch.geometry.centre.subarray(r * 3, r * 3 + 3), i * 3);
    geometry.cropSize[i] = batch.geometry.cropSize[r]!;
    geometry.cube[i] = batch.geometry.cube[r]!;
    geometry.intrinsics.set(batch.geometry.intrinsics.subarray(r * 4, r * 4 + 4), i * 4);
  });
  return { x, y, geometry, count: rows.length };
}

/** Two sets of rows one after the other (crops, targets, geometry). */
export function stackRows(
  a: { x: Float32Array; y: Float32Array; geometry: CropGeometry; count: number },
  b: { x: Float32Array; y: Float32Array; geometry: CropGeometry; count: number },
): { x: Float32Array; y: Float32Array; geometry: CropGeometry; count: number } {
  const join = <T extends Float32Array | Float64Array>(p: T, q: T): T => {
    const out = new (p.constructor as new (n: number) => T)(p.length + q.length);
    out.set(p);
    out.set(q, p.length);
    return out;
  };
  const { geometry: g, count } = a;
  const h = b.geometry;
  return {
    x: join(a.x, b.x),
    y: join(a.y, b.y),
    geometry: {
      centre: join(g.centre, h.centre),
      cropSize: join(g.cropSize, h.cropSize),
      cube: join(g.cube, h.cube),
      intrinsics: join(g.intrinsics, h.intrinsics),
    },
    count: count + b.count,
  };
}

/**
 * Pose-centred features for CoreSet/CKE: every row of joint coordinates (u, v, d triples, normalised crop units)
 * minus that row's own centroid, so two predictions of the same hand pose are close wherever the crop centre landed
 * (the crop-relative form makes badly centred crops look like new poses). `dims` values per row.
 */
export function poseCentred(rows: Float32Array, dims: number): Float32Array {
  const out = new Float32Array(rows.length);
  const joints = dims / 3;
  for (let start = 0; start < rows.length; start += dims) {
    for (let axis = 0; axis < 3; axis++) {
      let sum = 0;
      for (let j = 0; j < joints; j++) sum += rows[start + 3 * j + axis]!;
      const centre = sum / joints;
      for (let j = 0; j < joints; j++) out[start + 3 * j + axis] = rows[start + 3 * j + axis]! - centre;
    }
  }
  return out;
}
