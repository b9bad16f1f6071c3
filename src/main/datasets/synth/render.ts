import type { Intrinsics } from '@shared/domain';

/** Pixel rectangle [left, right) × [top, bottom). */
interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * A z-buffer ray caster for capsules and one ellipsoid, camera at the origin looking down +z. A pixel (u, v) is the
 * ray ((u − cx)/fx, (v − cy)/fy, 1), so the ray parameter t IS the depth z. Work is limited to each primitive's
 * projected bounding box; scratch buffers are reused across frames.
 */
export class DepthRasteriser {
  readonly zBuffer: Float32Array;
  private readonly rayX: Float64Array;
  private readonly rayY: Float64Array;
  /** Union of everything drawn since the last `clear`, so clearing and post-processing touch only that. */
  readonly dirty: PixelBox = { left: 0, top: 0, right: 0, bottom: 0 };

  constructor(readonly camera: Intrinsics) {
    this.zBuffer = new Float32Array(camera.width * camera.height).fill(Infinity);
    this.rayX = Float64Array.from({ length: camera.width }, (_, u) => (u - camera.cx) / camera.fx);
    this.rayY = Float64Array.from({ length: camera.height }, (_, v) => (v - camera.cy) / camera.fy);
  }

  clear(): void {
    const { left, top, right, bottom } = this.dirty;
    for (let v = top; v < bottom; v++)
      this.zBuffer.fill(Infinity, v * this.camera.width + left, v * this.camera.width + right);
    Object.assign(this.dirty, { left: 0, top: 0, right: 0, bottom: 0 });
  }

  /** Capsule = all points within `radius` of segment a–b (camera frame, mm). */
  drawCapsule(ax: number, ay: number, az: number, bx: number, by: number, bz: number, radius: number): void {
    const boxA = this.sphereBox(ax, ay, az, radius);
    const boxB = this.sphereBox(bx, by, bz, radius);
    const box = this.clip({
      left: Math.min(boxA.left, boxB.left),
      top: Math.min(boxA.top, boxB.top),
      right: Math.max(boxA.right, boxB.right),
      bottom: Math.max(boxA.bottom, boxB.bottom),
    });
    if (!box) return;
    // Quadratic for the infinite cylinder around the axis; with ray origin 0, oa = −a.
    const [bax, bay, baz] = [bx - ax, by - ay, bz - az];
    const [oax, oay, oaz] = [-ax, -ay, -az];
    const baba = bax * bax + bay * bay + baz * baz;
    const baoa = bax * oax + bay * oay + baz * oaz;
    const oaoa = oax * oax + oay * oay + oaz * oaz;
    const r2 = radius * radius;
    const c = baba * oaoa - baoa * baoa - r2 * baba;
    const obx = -bx;
    const oby = -by;
    const obz = -bz;
    const { zBuffer, rayX, rayY } = this;
    const width = this.camera.width;
    for (let v = box.top; v < box.bottom; v++) {
      const ry = rayY[v]!;
      for (let u = box.left; u < box.right; u++) {
        const rx = rayX[u]!;
        const rdrd = rx * rx + ry * ry + 1;
        const bard = bax * rx + bay * ry + baz;
        const rdoa = rx * oax + ry * oay + oaz;
        const a = baba * rdrd - bard * bard;
        const b = baba * rdoa - baoa * bard;
        const h = b * b - a * c;
        if (h < 0) continue; // misses the infinite cylinder, hence the capsule
        let t = (-b - Math.sqrt(h)) / a;
        const along = baoa + t * bard;
        if (!(along > 0 && along < baba)) {
          // Hit beyond the segment: intersect the end sphere on that side.
          const [ox, oy, oz] = along <= 0 ? [oax, oay, oaz] : [obx, oby, obz];
          const bb = rx * ox + ry * oy + oz;
          const hh = bb * bb - rdrd * (ox * ox + oy * oy + oz * oz - r2);
          if (hh < 0) continue;
          t = (-bb - Math.sqrt(hh)) / rdrd;
        }
        const index = v * width + u;
        if (t > 0 && t < zBuffer[index]!) zBuffer[index] = t;
      }
    }
  }

  /**
   * Ellipsoid with centre c and `toUnit` (row-major 3×3) mapping camera-frame offsets from c into the unit sphere;
   * `boundRadius` = its largest semi-axis, for the screen box.
   */
  drawEllipsoid(cx: number, cy: number, cz: number, toUnit: Float64Array, boundRadius: number): void {
    const box = this.clip(this.sphereBox(cx, cy, cz, boundRadius));
    if (!box) return;
    // q(t) = t·A·d − A·c ; |q|² = 1.
    const acx = toUnit[0]! * cx + toUnit[1]! * cy + toUnit[2]! * cz;
    const acy = toUnit[3]! * cx + toUnit[4]! * cy + toUnit[5]! * cz;
    const acz = toUnit[6]! * cx + toUnit[7]! * cy + toUnit[8]! * cz;
    const c = acx * acx + acy * acy + acz * acz - 1;
    const { zBuffer, rayX, rayY } = this;
    const width = this.camera.width;
    for (let v = box.top; v < box.bottom; v++) {
      const ry = rayY[v]!;
      const rowX = toUnit[1]! * ry + toUnit[2]!;
      const rowY = toUnit[4]! * ry + toUnit[5]!;
      const rowZ = toUnit[7]! * ry + toUnit[8]!;
      for (let u = box.left; u < box.right; u++) {
        const rx = rayX[u]!;
        const adx = toUnit[0]! * rx + rowX;
        const ady = toUnit[3]! * rx + rowY;
        const adz = toUnit[6]! * rx + rowZ;
        const a = adx * adx + ady * ady + adz * adz;
        const b = adx * acx + ady * acy + adz * acz;
        const h = b * b - a * c;
        if (h < 0) continue;
        const t = (b - Math.sqrt(h)) / a;
        const index = v * width + u;
        if (t > 0 && t < zBuffer[index]!) zBuffer[index] = t;
      }
    }
  }

  /** Conservative, unclipped screen box of a sphere: the extremes of (x ± r)/(z ± r). */
  private sphereBox(x: number, y: number, z: number, r: number): PixelBox {
    const { fx, fy, cx, cy, width, height } = this.camera;
    if (z - r <= 1) return { left: 0, top: 0, right: width, bottom: height }; // touches the camera plane
    const near = z - r;
    const far = z + r;
    return {
      left: Math.floor(cx + fx * Math.min((x - r) / near, (x - r) / far)),
      right: Math.ceil(cx + fx * Math.max((x + r) / near, (x + r) / far)) + 1,
      top: Math.floor(cy + fy * Math.min((y - r) / near, (y - r) / far)),
      bottom: Math.ceil(cy + fy * Math.max((y + r) / near, (y + r) / far)) + 1,
    };
  }

  /** Clips a box to the image and grows the dirty box; null when nothing is on screen. */
  private clip(box: PixelBox): PixelBox | null {
    const { width, height } = this.camera;
    const left = Math.max(0, box.left);
    const top = Math.max(0, box.top);
    const right = Math.min(width, box.right);
    const bottom = Math.min(height, box.bottom);
    if (left >= right || top >= bottom) return null;
    const dirty = this.dirty;
    if (dirty.left === dirty.right) Object.assign(dirty, { left, top, right, bottom });
    else {
      dirty.left = Math.min(dirty.left, left);
      dirty.top = Math.min(dirty.top, top);
      dirty.right = Math.max(dirty.right, right);
      dirty.bottom = Math.max(dirty.bottom, bottom);
    }
    return { left, top, right, bottom };
  }
}
