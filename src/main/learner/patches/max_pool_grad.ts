import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { heapView, type WasmHeapBackend } from './kernel_calls';

/**
 * Fix and speed-up: the stock wasm MaxPoolGrad returns a zero gradient for every pooling window whose values are all
 * negative (its running max starts at 0), and is slow. This kernel routes each dy to the first maximum of its window
 * in row-major order (as the cpu backend does), reading and writing the wasm heap in place (NHWC, no dilation).
 */
export function maxPoolGradConfig(original: KernelConfig): KernelConfig {
  return {
    // The stock setup stays: switching the patch off (tests) needs the stock kernel's wasm binding.
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
      const info = backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        filterSize,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const heap = backend as unknown as WasmHeapBackend;
      const output = heap.makeOutput(input.shape, 'float32');
      // Views after the allocation: growing the heap detaches earlier ones.
      const dx = heapView(heap, output).fill(0);
      const x = heapView(heap, input);
      const dyValues = heapView(heap, dy);
      if (isPlainTwoByTwo(info)) routeTwoByTwo(x, dyValues, dx, info);
      else routeToMaxima(x, dyValues, dx, info);
      return output;
    },
  };
}

function routeToMaxima(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  // Per channel of one window: the best value so far and where it is (channels are contiguous in NHWC).
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * inWidth * channels;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowStart = Math.max(0, yR * strideHeight - top);
      const rowEnd = Math.min(inHeight, yR * strideHeight - top + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colStart = Math.max(0, yC * strideWidth - left);
        const colEnd = Math.min(inWidth, yC * strideWidth - left + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let r = rowStart; r < rowEnd; r++) {
          for (let c = colStart; c < colEnd; c++) {
            const pixel = batchBase + (r * inWidth + c) * channels;
            for (let d = 0; d < channels; d++) {
              const value = x[pixel + d]!;
              if (value > best[d]!) {
                best[d] = value;
                at[d] = pixel + d;
              }
            }
          }
        }
        for (let d = 0; d < channels; d++, dyIndex++) if (at[d]! >= 0) dx[at[d]!]! += dy[dyIndex]!;
      }
    }
  }
}

/** The nets' pooling: 2×2 windows, stride 2, no padding. */
function isPlainTwoByTwo(info: backend_util.Conv2DInfo): boolean {
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  return (
    strideHeight === 2 &&
    strideWidth === 2 &&
    filterHeight === 2 &&
    filterWidth === 2 &&
    padInfo.top === 0 &&
    padInfo.left === 0
  );
}

/** routeToMaxima unrolled for isPlainTwoByTwo (the same first-maximum order: top-left, top-right, bottom-left, ...). */
function routeTwoByTwo(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const rowStride = inWidth * channels;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const rowBase = (b * inHeight + 2 * yR) * rowStride;
      for (let yC = 0; yC < outWidth; yC++) {
        const topLeft = rowBase + 2 * yC * channels;
        for (let d = 0; d < channels; d++, dyIndex++) {
          let at = topLeft + d;
          let best = x[at]!;
          const topRight = at + channels;
          const bottomLeft = at + rowStride;
          const bottomRight = bottomLeft + channels;
          if (x[topRight]! > best) {
            best = x[topRight]!;
            at = topRight;
          }
          if (x[bottomLeft]! > best) {
            best = x[bottomLeft]!;
            at = bottomLeft;
          }
          if (x[bottomRight]! > best) at = bottomRight;
          dx[at]! += dy[dyIndex]!;
        }
      }
    }
  }
}
