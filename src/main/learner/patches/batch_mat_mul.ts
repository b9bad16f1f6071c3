import type { BatchMatMulAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { KernelCalls } from './kernel_calls';

/**
 * Speed-up: wasm BatchMatMul with transposeA/transposeB is 8–10× slower than the plain product (every dense layer's
 * backward pass uses them). Transpose explicitly, then call the original kernel untransposed.
 */
export function batchMatMulConfig(backendName: string, original: KernelConfig): KernelConfig {
  const originalFunc: KernelFunc = original.kernelFunc;
  return {
    ...original,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
      if (!transposeA && !transposeB) return originalFunc(args);
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const calls = new KernelCalls(args.backend as KernelBackend, backendName);
      const swapLastTwo = (info: TensorInfo): TensorInfo => {
        const perm = info.shape.map((_, axis) => axis);
        const last = perm.length - 1;
        [perm[last - 1], perm[last]] = [perm[last]!, perm[last - 1]!];
        return calls.run('Transpose', { x: info }, { perm });
      };
      const left = transposeA ? swapLastTwo(a) : a;
      const right = transposeB ? swapLastTwo(b) : b;
      return calls.finish(
        calls.run(
          'BatchMatMul',
          { a: left, b: right },
          { transposeA: false, transposeB: false },
          originalFunc,
        ),
      );
    },
  };
}
