import type { Rng } from '@shared/random';

/**
 * A small software painter for the synthetic RGB people: painter's-algorithm compositing of shaded, anti-aliased
 * primitives into a float RGB buffer (values 0..1), then one pass to RGBA8 with sensor noise.
 *
 * Pixel convention: 0-based, pixel (c, r) is the unit square centred on (c, r), i.e. it covers
 * [c − ½, c + ½) × [r − ½, r + ½); every primitive is sampled at pixel centres, so geometry and joint coordinates
 * share one frame where integer u is the centre of column u. Anti-aliasing is analytic: a pixel's coverage is
 * clamp(½ − signed distance, 0, 1), with the signed distance (in px) of the primitive's outline at the centre.
 */

export type RGB = readonly [number, number, number];

/** A directional light in screen space: (x right, y down, z towards the viewer), unit length. */
export interface Light {
  x: number;
  y: number;
  z: number;
  /** Light reaching surfaces that face away from it (0..1). */
  ambient: number;
}

export interface Point2 {
  x: number;
  y: number;
}

/** Occluder shapes: a rotated rectangle (half sizes) or ellipse (semi-axes). */
export interface Occluder {
  kind: 'rect' | 'ellipse';
  cx: number;
  cy: number;
  /** Half width / semi-axis along the shape's own x axis, and along its y axis (px). */
  hw: number;
  hh: number;
  /** Rotation of the shape's x axis from the image x axis, radians (clockwise on screen, y down). */
  angle: number;
}

/** Signed distance (px) from (x, y) to an occluder's outline: negative inside. */
export function occluderDistance(o: Occluder, x: number, y: number): number {
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  const dx = x - o.cx;
  const dy = y - o.cy;
  const lx = dx * c + dy * s;
  const ly = -dx * s + dy * c;
  if (o.kind === 'rect') {
    const qx = Math.abs(lx) - o.hw;
    const qy = Math.abs(ly) - o.hh;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
  }
  return ellipseDistance(lx, ly, o.hw, o.hh);
}

/** True when (x, y) lies inside the occluder (the joint test for 'occluded'). */
export function insideOccluder(o: Occluder, x: number, y: number): boolean {
  return occluderDistance(o, x, y) < 0;
}

/** First-order signed distance to an axis-aligned ellipse (exact sign; good near the outline, where AA needs it). */
function ellipseDistance(lx: number, ly: number, a: number, b: number): number {
  const qx = lx / a;
  const qy = ly / b;
  const rho = Math.sqrt(qx * qx + qy * qy);
  if (rho < 1e-9) return -Math.min(a, b);
  const gx = lx / (a * a);
  const gy = ly / (b * b);
  return ((rho - 1) * rho) / Math.sqrt(gx * gx + gy * gy);
}

const clamp01 = (t: number): number => (t < 0 ? 0 : t > 1 ? 1 : t);

/** Stripe/checker patterns for textured fills. */
export interface Pattern {
  kind: 'none' | 'stripes' | 'checker';
  colour: RGB;
  /** Period in px and direction (radians). */
  period: number;
  angle: number;
  /** Blend weight of the pattern colour. */
  strength: number;
}

export interface BackgroundStyle {
  /** Linear gradient from `from` to `to` along `angle`. */
  from: RGB;
  to: RGB;
  gradientAngle: number;
  /** Coarse smooth value noise blended towards `noiseColour`. */
  noiseColour: RGB;
  noiseStrength: number;
  noiseCells: number;
  /** Fine grain: ± this much brightness from a fine noise grid. */
  grain: number;
  pattern: Pattern;
  /** Optional ground: below a (tilted) horizon everything blends towards `colour`. */
  floor: { colour: RGB; horizon: number; tilt: number; strength: number } | null;
}

export class RgbCanvas {
  readonly rgb: Float32Array;
  /** Scratch for the noise grids. */
  private grid = new Float32Array(0);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Float32Array(width * height * 3);
  }

  /** Fills the whole canvas with a textured background (gradient × smooth noise × pattern × floor × grain). */
  background(style: BackgroundStyle, rng: Rng): void {
    const { width, height, rgb } = this;
    const gx = Math.cos(style.gradientAngle);
    const gy = Math.sin(style.gradientAngle);
    // Gradient parameter spans the image's extent along the direction.
    const extent = Math.abs(gx) * width + Math.abs(gy) * height;
    const g0 = Math.min(0, gx * width) + Math.min(0, gy * height);
    const coarse = this.noiseGrid(rng, style.noiseCells, 0);
    const fineCells = Math.max(4, Math.round(Math.max(width, height) / 3));
    const fine = this.noiseGrid(rng, fineCells, coarse.length);
    const coarseCols = axisTable(width, style.noiseCells);
    const coarseRows = axisTable(height, style.noiseCells);
    const fineCols = axisTable(width, fineCells);
    const fineRows = axisTable(height, fineCells);
    const stride = style.noiseCells + 1;
    const fineStride = fineCells + 1;
    const pattern = style.pattern;
    const pc = Math.cos(pattern.angle) / pattern.period;
    const ps = Math.sin(pattern.angle) / pattern.period;
    const floor = style.floor;
    const ft = floor ? Math.tan(floor.tilt) : 0;
    const [r0, g0c, b0] = style.from;
    const [r1, g1, b1] = style.to;
    const [nr, ng, nb] = style.noiseColour;
    const [pr, pg, pb] = pattern.colour;
    for (let y = 0; y < height; y++) {
      const cy = coarseRows.cell[y]!;
      const wy = coarseRows.weight[y]!;
      const fy = fineRows.cell[y]!;
      const fwy = fineRows.weight[y]!;
      for (let x = 0; x < width; x++) {
        const t = (gx * x + gy * y - g0) / extent;
        let r = r0 + (r1 - r0) * t;
        let g = g0c + (g1 - g0c) * t;
        let b = b0 + (b1 - b0) * t;
        // Coarse noise (bilinear over a smoothstepped grid).
        const cx = coarseCols.cell[x]!;
        const wx = coarseCols.weight[x]!;
        const k = cy * stride + cx;
        const top = coarse[k]! + (coarse[k + 1]! - coarse[k]!) * wx;
        const bottom = coarse[k + stride]! + (coarse[k + stride + 1]! - coarse[k + stride]!) * wx;
        const n = (top + (bottom - top) * wy) * style.noiseStrength;
        r += (nr - r) * n;
        g += (ng - g) * n;
        b += (nb - b) * n;
        if (pattern.kind !== 'none') {
          let m: number;
          const u = x * pc + y * ps;
          if (pattern.kind === 'stripes') m = softSquare(u);
          else {
            const v = -x * ps + y * pc;
            m = softSquare(u) * softSquare(v) + (1 - softSquare(u)) * (1 - softSquare(v));
          }
          m *= pattern.strength;
          r += (pr - r) * m;
          g += (pg - g) * m;
          b += (pb - b) * m;
        }
        if (floor && y > floor.horizon + ft * (x - width / 2)) {
          const depth = Math.min(1, (y - floor.horizon - ft * (x - width / 2)) / (0.15 * height));
          const m = floor.strength * (0.6 + 0.4 * depth);
          r += (floor.colour[0] - r) * m;
          g += (floor.colour[1] - g) * m;
          b += (floor.colour[2] - b) * m;
        }
        // Fine grain.
        const fx = fineCols.cell[x]!;
        const fk = fy * fineStride + fx;
        const ft0 = fine[fk]! + (fine[fk + 1]! - fine[fk]!) * fineCols.weight[x]!;
        const fb0 =
          fine[fk + fineStride]! +
          (fine[fk + fineStride + 1]! - fine[fk + fineStride]!) * fineCols.weight[x]!;
        const grain = 1 + style.grain * (2 * (ft0 + (fb0 - ft0) * fwy) - 1);
        const p = 3 * (y * width + x);
        rgb[p] = r * grain;
        rgb[p + 1] = g * grain;
        rgb[p + 2] = b * grain;
      }
    }
  }

  /** (cells+1)² random values in [0, 1), as a view into the scratch grid at `offset`. */
  private noiseGrid(rng: Rng, cells: number, offset: number): Float32Array {
    const size = (cells + 1) * (cells + 1);
    if (this.grid.length < offset + size) {
      const grown = new Float32Array(Math.max(offset + size, 2 * this.grid.length));
      grown.set(this.grid);
      this.grid = grown;
    }
    const view = this.grid.subarray(offset, offset + size);
    for (let i = 0; i < size; i++) view[i] = rng.next();
    return view;
  }

  /**
   * A tapered capsule a→b (radii ra, rb, px), shaded as a cylinder: the normal tilts across the limb's width
   * (round end caps as spheres). `alpha` scales the coverage.
   */
  capsule(
    ax: number,
    ay: number,
    bx: number,
    by: number,
    ra: number,
    rb: number,
    colour: RGB,
    light: Light,
    alpha = 1,
  ): void {
    const rMax = Math.max(ra, rb);
    const left = Math.max(0, Math.floor(Math.min(ax, bx) - rMax - 1));
    const right = Math.min(this.width - 1, Math.ceil(Math.max(ax, bx) + rMax + 1));
    const top = Math.max(0, Math.floor(Math.min(ay, by) - rMax - 1));
    const bottom = Math.min(this.height - 1, Math.ceil(Math.max(ay, by) + rMax + 1));
    const dx = bx - ax;
    const dy = by - ay;
    const ll = dx * dx + dy * dy;
    const inv = ll > 1e-12 ? 1 / ll : 0;
    const { rgb, width } = this;
    const [cr, cg, cb] = colour;
    const { x: lx, y: ly, z: lz, ambient } = light;
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) {
        const px = x - ax;
        const py = y - ay;
        let h = (px * dx + py * dy) * inv;
        h = h < 0 ? 0 : h > 1 ? 1 : h;
        const ox = px - h * dx;
        const oy = py - h * dy;
        const r = ra + (rb - ra) * h;
        const d = Math.sqrt(ox * ox + oy * oy);
        const cover = r - d + 0.5;
        if (cover <= 0) continue;
        const a = (cover > 1 ? 1 : cover) * alpha;
        const t = d < r ? d / r : 1;
        const inv_d = d > 1e-9 ? 1 / d : 0;
        const nz = Math.sqrt(1 - t * t);
        const nx = ox * inv_d * t;
        const ny = oy * inv_d * t;
        const lambert = nx * lx + ny * ly + nz * lz;
        const shade = (ambient + (1 - ambient) * (lambert > 0 ? lambert : 0)) * (0.8 + 0.2 * nz);
        const p = 3 * (y * width + x);
        rgb[p] = rgb[p]! + (cr * shade - rgb[p]!) * a;
        rgb[p + 1] = rgb[p + 1]! + (cg * shade - rgb[p + 1]!) * a;
        rgb[p + 2] = rgb[p + 2]! + (cb * shade - rgb[p + 2]!) * a;
      }
    }
  }

  /** A rotated ellipse shaded as a half-ellipsoid (`roundness` 0 = flat, 1 = fully round). */
  ellipse(
    cx: number,
    cy: number,
    a: number,
    b: number,
    angle: number,
    colour: RGB,
    light: Light,
    roundness = 1,
  ): void {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const ex = Math.sqrt(a * a * c * c + b * b * s * s);
    const ey = Math.sqrt(a * a * s * s + b * b * c * c);
    const left = Math.max(0, Math.floor(cx - ex - 1));
    const right = Math.min(this.width - 1, Math.ceil(cx + ex + 1));
    const top = Math.max(0, Math.floor(cy - ey - 1));
    const bottom = Math.min(this.height - 1, Math.ceil(cy + ey + 1));
    const { rgb, width } = this;
    const [cr, cg, cb] = colour;
    const { x: lx, y: ly, z: lz, ambient } = light;
    const ia = 1 / a;
    const ib = 1 / b;
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) {
        const dx = x - cx;
        const dy = y - cy;
        const u = dx * c + dy * s;
        const v = -dx * s + dy * c;
        const qx = u * ia;
        const qy = v * ib;
        const rho2 = qx * qx + qy * qy;
        const rho = Math.sqrt(rho2);
        let sd: number;
        if (rho < 1e-9) sd = -Math.min(a, b);
        else {
          const gx = u * ia * ia;
          const gy = v * ib * ib;
          sd = ((rho - 1) * rho) / Math.sqrt(gx * gx + gy * gy);
        }
        const cover = 0.5 - sd;
        if (cover <= 0) continue;
        const alpha = cover > 1 ? 1 : cover;
        const nxl = qx * roundness;
        const nyl = qy * roundness;
        const nz = Math.sqrt(Math.max(0, 1 - nxl * nxl - nyl * nyl));
        const nx = nxl * c - nyl * s;
        const ny = nxl * s + nyl * c;
        const lambert = nx * lx + ny * ly + nz * lz;
        const shade = (ambient + (1 - ambient) * (lambert > 0 ? lambert : 0)) * (0.8 + 0.2 * nz);
        const p = 3 * (y * width + x);
        rgb[p] = rgb[p]! + (cr * shade - rgb[p]!) * alpha;
        rgb[p + 1] = rgb[p + 1]! + (cg * shade - rgb[p + 1]!) * alpha;
        rgb[p + 2] = rgb[p + 2]! + (cb * shade - rgb[p + 2]!) * alpha;
      }
    }
  }

  /**
   * A convex polygon (vertices in either winding) shaded as a flattened cylinder around the axis a→b: the normal
   * tilts with the offset across the axis. Pixels whose position along a→b is below `split` (0 = a, 1 = b) take
   * `lower`, the rest `upper`.
   */
  torso(
    polygon: readonly Point2[],
    ax: number,
    ay: number,
    bx: number,
    by: number,
    upper: RGB,
    lower: RGB,
    split: number,
    light: Light,
  ): void {
    const n = polygon.length;
    if (n < 3) return;
    // Edge lines with outward unit normals.
    let area = 0;
    for (let i = 0; i < n; i++) {
      const p = polygon[i]!;
      const q = polygon[(i + 1) % n]!;
      area += p.x * q.y - q.x * p.y;
    }
    const orient = area > 0 ? 1 : -1;
    const ex = new Float64Array(n);
    const ey = new Float64Array(n);
    const ec = new Float64Array(n);
    let left = Infinity;
    let right = -Infinity;
    let top = Infinity;
    let bottom = -Infinity;
    for (let i = 0; i < n; i++) {
      const p = polygon[i]!;
      const q = polygon[(i + 1) % n]!;
      let nx = (q.y - p.y) * orient;
      let ny = -(q.x - p.x) * orient;
      const len = Math.hypot(nx, ny) || 1;
      nx /= len;
      ny /= len;
      ex[i] = nx;
      ey[i] = ny;
      ec[i] = nx * p.x + ny * p.y;
      left = Math.min(left, p.x);
      right = Math.max(right, p.x);
      top = Math.min(top, p.y);
      bottom = Math.max(bottom, p.y);
    }
    const axisX = bx - ax;
    const axisY = by - ay;
    const axisLength = Math.hypot(axisX, axisY) || 1;
    const ux = axisX / axisLength;
    const uy = axisY / axisLength;
    let halfWidth = 1;
    for (const p of polygon) halfWidth = Math.max(halfWidth, Math.abs((p.x - ax) * -uy + (p.y - ay) * ux));
    const x0 = Math.max(0, Math.floor(left - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(right + 1));
    const y0 = Math.max(0, Math.floor(top - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(bottom + 1));
    const { rgb, width } = this;
    const { x: lx, y: ly, z: lz, ambient } = light;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let sd = -Infinity;
        for (let i = 0; i < n; i++) {
          const d = ex[i]! * x + ey[i]! * y - ec[i]!;
          if (d > sd) sd = d;
        }
        const cover = 0.5 - sd;
        if (cover <= 0) continue;
        const alpha = cover > 1 ? 1 : cover;
        const px = x - ax;
        const py = y - ay;
        const along = (px * ux + py * uy) / axisLength;
        const across = (-px * uy + py * ux) / halfWidth;
        const t = across < -1 ? -1 : across > 1 ? 1 : across;
        const nx = -uy * t * 0.85;
        const ny = ux * t * 0.85;
        const nz = Math.sqrt(1 - 0.7225 * t * t);
        const lambert = nx * lx + ny * ly + nz * lz;
        const shade = (ambient + (1 - ambient) * (lambert > 0 ? lambert : 0)) * (0.8 + 0.2 * nz);
        const m = clamp01((along - split) * axisLength + 0.5);
        const p = 3 * (y * width + x);
        const cr = (lower[0] + (upper[0] - lower[0]) * m) * shade;
        const cg = (lower[1] + (upper[1] - lower[1]) * m) * shade;
        const cb = (lower[2] + (upper[2] - lower[2]) * m) * shade;
        rgb[p] = rgb[p]! + (cr - rgb[p]!) * alpha;
        rgb[p + 1] = rgb[p + 1]! + (cg - rgb[p + 1]!) * alpha;
        rgb[p + 2] = rgb[p + 2]! + (cb - rgb[p + 2]!) * alpha;
      }
    }
  }

  /** An occluder: flat colour with a linear shading ramp and an optional pattern. */
  occluder(o: Occluder, colour: RGB, pattern: Pattern, ramp: number): void {
    const c = Math.cos(o.angle);
    const s = Math.sin(o.angle);
    const ex = Math.abs(o.hw * c) + Math.abs(o.hh * s);
    const ey = Math.abs(o.hw * s) + Math.abs(o.hh * c);
    const left = Math.max(0, Math.floor(o.cx - ex - 1));
    const right = Math.min(this.width - 1, Math.ceil(o.cx + ex + 1));
    const top = Math.max(0, Math.floor(o.cy - ey - 1));
    const bottom = Math.min(this.height - 1, Math.ceil(o.cy + ey + 1));
    const { rgb, width } = this;
    const pc = Math.cos(pattern.angle) / pattern.period;
    const ps = Math.sin(pattern.angle) / pattern.period;
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) {
        const sd = occluderDistance(o, x, y);
        const cover = 0.5 - sd;
        if (cover <= 0) continue;
        const alpha = cover > 1 ? 1 : cover;
        const dx = x - o.cx;
        const dy = y - o.cy;
        const shade = 1 + (ramp * (-dx * s + dy * c)) / Math.max(1, o.hh);
        let r = colour[0] * shade;
        let g = colour[1] * shade;
        let b = colour[2] * shade;
        if (pattern.kind !== 'none') {
          const u = x * pc + y * ps;
          let m = softSquare(u);
          if (pattern.kind === 'checker') {
            const w = softSquare(-x * ps + y * pc);
            m = m * w + (1 - m) * (1 - w);
          }
          m *= pattern.strength;
          r += (pattern.colour[0] - r) * m;
          g += (pattern.colour[1] - g) * m;
          b += (pattern.colour[2] - b) * m;
        }
        const p = 3 * (y * width + x);
        rgb[p] = rgb[p]! + (r - rgb[p]!) * alpha;
        rgb[p + 1] = rgb[p + 1]! + (g - rgb[p + 1]!) * alpha;
        rgb[p + 2] = rgb[p + 2]! + (b - rgb[p + 2]!) * alpha;
      }
    }
  }

  /**
   * Writes RGBA8 (alpha 255): colour × `tint` × `gain`, plus uniform sensor noise of ± `noise` (one draw per pixel,
   * shared by the channels, so the noise is deterministic for the rng).
   */
  toRgba(out: Uint8ClampedArray, tint: RGB, gain: number, noise: number, rng: Rng): void {
    const { rgb } = this;
    const n = this.width * this.height;
    const tr = tint[0] * gain * 255;
    const tg = tint[1] * gain * 255;
    const tb = tint[2] * gain * 255;
    const amp = noise * 255 * 2;
    for (let i = 0, p = 0, q = 0; i < n; i++, p += 3, q += 4) {
      const e = (rng.next() - 0.5) * amp;
      out[q] = rgb[p]! * tr + e;
      out[q + 1] = rgb[p + 1]! * tg + e;
      out[q + 2] = rgb[p + 2]! * tb + e;
      out[q + 3] = 255;
    }
  }
}

/** A square wave with soft (≈ 1/8 period) edges, from a phase in periods. */
function softSquare(u: number): number {
  const f = u - Math.floor(u);
  const d = f < 0.5 ? f : 1 - f; // 0 … 0.5, triangle
  return clamp01((d - 0.25) * 8 + 0.5);
}

/** For each pixel along an axis of `size` px: the noise-grid cell and the smoothstepped weight inside it. */
function axisTable(size: number, cells: number): { cell: Int32Array; weight: Float32Array } {
  const cell = new Int32Array(size);
  const weight = new Float32Array(size);
  const step = cells / size;
  for (let i = 0; i < size; i++) {
    const f = (i + 0.5) * step;
    const c = Math.min(cells - 1, Math.floor(f));
    const w = f - c;
    cell[i] = c;
    weight[i] = w * w * (3 - 2 * w);
  }
  return { cell, weight };
}
