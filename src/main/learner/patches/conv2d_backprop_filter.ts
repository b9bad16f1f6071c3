import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { isStrideOne, KernelCalls } from './kernel_calls';

/**
 * wasm has no Conv2DBackpropFilter kernel (training a conv net fails without it). For stride 1, valid padding, NHWC,
 * dW[kh,kw,ci,co] = Σ_{n,i,j} x[n,i+kh,j+kw,ci]·dy[n,i,j,co], which is a forward valid conv in which the input
 * channels play the batch and the batch plays the channels:
 * dW = transpose(conv2d(transpose(x,[3,1,2,0]), transpose(dy,[1,2,0,3])), [1,2,0,3]).
 */
export function conv2dBackpropFilterConfig(backendName: string): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat } = attrs as unknown as Conv2DBackpropFilterAttrs;
      if (!isStrideOne(strides) || pad !== 'valid' || dataFormat !== 'NHWC') {
        throw new Error(
          `Conv2DBackpropFilter patch supports stride 1, valid padding, NHWC only (got strides ${String(strides)}, pad ${String(pad)}, ${dataFormat})`,
        );
      }
      const calls = new KernelCalls(backend as KernelBackend, backendName);
      const xByChannel = calls.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyAsFilter = calls.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const correlation = calls.run(
        'Conv2D',
        { x: xByChannel, filter: dyAsFilter },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
      );
      return calls.finish(calls.run('Transpose', { x: correlation }, { perm: [1, 2, 0, 3] }));
    },
  };
}
