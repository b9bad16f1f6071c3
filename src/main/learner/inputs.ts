import * as tf from '@tensorflow/tfjs';
import type { CropImages } from './protocol';

const RESIZE_CHUNK = 256;

/** Checks the array sizes of a crop set; targets are optional. Returns the number of outputs per target row. */
export function checkCrops(name: string, images: CropImages, y?: Float32Array): number {
  const { x, count, height, width } = images;
  if (!Number.isInteger(count) || count < 0) throw new Error(`${name}: count must be a non-negative integer`);
  if (x.length !== count * height * width) {
    throw new Error(
      `${name}: x has ${x.length} values, expected count·height·width = ${count * height * width}`,
    );
  }
  if (y === undefined) return 0;
  if (count === 0 || y.length % count !== 0)
    throw new Error(`${name}: y length ${y.length} is not a multiple of count ${count}`);
  return y.length / count;
}

/**
 * The crops at the network's input size: unchanged when they already match, else resized bilinearly (half-pixel
 * centres) in chunks so that memory stays bounded.
 */
export function cropsAtInputSize(images: CropImages, inputSize: number): Float32Array {
  const { x, count, height, width } = images;
  if (height === inputSize && width === inputSize) return x;
  const out = new Float32Array(count * inputSize * inputSize);
  for (let start = 0; start < count; start += RESIZE_CHUNK) {
    const n = Math.min(RESIZE_CHUNK, count - start);
    const resized = tf.tidy(() =>
      tf.image.resizeBilinear(
        tf.tensor4d(x.subarray(start * height * width, (start + n) * height * width), [n, height, width, 1]),
        [inputSize, inputSize],
        false,
        true,
      ),
    );
    out.set(resized.dataSync() as Float32Array, start * inputSize * inputSize);
    resized.dispose();
  }
  return out;
}

/** Copies the rows `order[from..from+n)` of a row-major array into `out` (one batch). */
export function gatherRows(
  source: Float32Array,
  rowSize: number,
  order: Int32Array,
  from: number,
  n: number,
  out: Float32Array,
): void {
  for (let r = 0; r < n; r++) {
    const row = order[from + r]!;
    out.set(source.subarray(row * rowSize, (row + 1) * rowSize), r * rowSize);
  }
}
