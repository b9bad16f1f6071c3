import type { BatchMatMulAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { KernelCalls } from './kernel_calls';

/**
 * Speed-up of dense layers in training. wasm BatchMatMul packs its right operand (XNNPACK's "weights") anew whenever
 * that tensor is new, which in training is every step, and its transposeA/transposeB paths are 8–10× slower than the
 * plain product. So: transpose explicitly, and when the right operand is the larger one to pack (a weight matrix
 * times a small batch), compute the transposed product with the operands swapped, (Bᵀ·Aᵀ)ᵀ, packing the small side.
 */
export function batchMatMulConfig(backendName: string, original: KernelConfig): KernelConfig {
  const originalFunc: KernelFunc = original.kernelFunc;
  return {
    ...original,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)]!;
      const columns = b.shape[b.shape.length - (transposeB ? 2 : 1)]!;
      const swap = columns > rows;
      if (!transposeA && !transposeB && !swap) return originalFunc(args);
      const calls = new KernelCalls(args.backend as KernelBackend, backendName);
      const swapLastTwo = (info: TensorInfo): TensorInfo => {
        const perm = info.shape.map((_, axis) => axis);
        const last = perm.length - 1;
        [perm[last - 1], perm[last]] = [perm[last]!, perm[last - 1]!];
        return calls.run('Transpose', { x: info }, { perm });
      };
      const product = (left: TensorInfo, right: TensorInfo): TensorInfo =>
        calls.run(
          'BatchMatMul',
          { a: left, b: right },
          { transposeA: false, transposeB: false },
          originalFunc,
        );
      if (!swap) {
        return calls.finish(product(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b));
      }
      // (A'·B')ᵀ = B'ᵀ·A'ᵀ, where a transposed operand's transpose is the operand itself.
      const left = transposeB ? b : swapLastTwo(b);
      const right = transposeA ? a : swapLastTwo(a);
      return calls.finish(swapLastTwo(product(left, right)));
    },
  };
}
