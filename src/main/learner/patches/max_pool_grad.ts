import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { KernelCalls } from './kernel_calls';

/**
 * Fix: the stock wasm MaxPoolGrad returns a zero gradient for every pooling window whose values are all negative
 * (its running max starts at 0). Shifting input and output by c = 1 − min(input) makes every value ≥ 1 and leaves
 * each window's argmax unchanged, so the original kernel then routes the gradient correctly.
 */
export function maxPoolGradConfig(backendName: string, original: KernelConfig): KernelConfig {
  const originalFunc: KernelFunc = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
      const calls = new KernelCalls(backend as KernelBackend, backendName);
      const minimum = calls.run(
        'Min',
        { x: input },
        { axis: input.shape.map((_, axis) => axis), keepDims: false },
      );
      const shift = calls.run('Sub', { a: calls.scalar(1), b: minimum });
      const shiftedInput = calls.run('Add', { a: input, b: shift });
      const shiftedOutput = calls.run('Add', { a: output, b: shift });
      return calls.finish(
        calls.run('MaxPoolGrad', { dy, input: shiftedInput, output: shiftedOutput }, attrs, originalFunc),
      );
    },
  };
}
