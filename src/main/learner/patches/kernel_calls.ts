import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/**
 * Kernel-level helpers for the wasm patches. A patched kernel receives TensorInfos, not Tensors: it must compose other
 * kernels on the same backend and free its intermediates by dataId. Wrapping an input in a Tensor and disposing the
 * wrapper would free memory the engine still owns, so these helpers never create Tensors.
 */
export class KernelCalls {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs a registered kernel (or `kernelFunc` when given: an original kernel saved before it was patched). */
  run(
    kernelName: string,
    inputs: NamedTensorInfoMap,
    attrs: NamedAttrMap = {},
    kernelFunc = tf.getKernel(kernelName, this.backendName)?.kernelFunc,
  ): TensorInfo {
    if (kernelFunc === undefined)
      throw new Error(`kernel ${kernelName} is not registered for ${this.backendName}`);
    const output = kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(output)) throw new Error(`kernel ${kernelName} returned several outputs`);
    this.intermediates.push(output);
    return output;
  }

  scalar(value: number): TensorInfo {
    const info: TensorInfo = {
      dataId: this.backend.write(new Float32Array([value]), [], 'float32'),
      shape: [],
      dtype: 'float32',
    };
    this.intermediates.push(info);
    return info;
  }

  /** Frees every intermediate except `result`, which goes to the engine as the kernel's output. */
  finish(result: TensorInfo): TensorInfo {
    for (const info of this.intermediates) if (info !== result) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
    return result;
  }
}

export function isStrideOne(strides: [number, number] | number): boolean {
  return Array.isArray(strides) ? strides[0] === 1 && strides[1] === 1 : strides === 1;
}

/** The parts of the wasm backend a kernel needs to work on the heap in place (public methods of BackendWasm). */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** A float32 tensor's values as a view of the wasm heap (no copy); invalid once the heap grows. */
export function heapView(backend: WasmHeapBackend, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info);
}
