import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulConfig } from './batch_mat_mul';
import { conv2dBackpropFilterConfig } from './conv2d_backprop_filter';
import { conv2dBackpropInputConfig } from './conv2d_backprop_input';
import { maxPoolGradConfig } from './max_pool_grad';

/** Which wasm patches to install; all by default. Tests switch single ones off to prove each one matters. */
export interface WasmPatchSelection {
  /** Required for training: the kernel does not exist on wasm. */
  conv2dBackpropFilter: boolean;
  /** Required for correct gradients (the stock kernel drops all-negative pooling windows); also faster. */
  maxPoolGrad: boolean;
  /** Speed-up of dense-layer backward passes. */
  batchMatMul: boolean;
  /** Speed-up of conv backward passes. */
  conv2dBackpropInput: boolean;
}

export const ALL_WASM_PATCHES: Readonly<WasmPatchSelection> = {
  conv2dBackpropFilter: true,
  maxPoolGrad: true,
  batchMatMul: true,
  conv2dBackpropInput: true,
};

const BACKEND = 'wasm';

/** A patched kernel remembers the stock one, so re-registering never wraps a patch in a patch. */
interface PatchedKernelConfig extends KernelConfig {
  stock?: KernelConfig;
}

/**
 * Puts every wasm kernel in the selected state (patched or stock) and returns the names now patched. Call it BEFORE
 * tf.setBackend('wasm') the first time: kernel setup functions run when the backend initialises. Calling it again
 * later (tests) switches single patches on and off.
 */
export function registerWasmPatches(selection: Readonly<WasmPatchSelection> = ALL_WASM_PATCHES): string[] {
  const patched: string[] = [];
  const apply = (
    kernelName: string,
    enabled: boolean,
    build: (stock: KernelConfig) => KernelConfig,
  ): void => {
    const stock = stockKernel(kernelName);
    if (stock === undefined) throw new Error(`wasm kernel ${kernelName} is missing: cannot patch it`);
    if (!enabled) return swapKernel(stock);
    const replacement: PatchedKernelConfig = { ...build(stock), stock };
    swapKernel(replacement);
    patched.push(kernelName);
  };
  apply('MaxPoolGrad', selection.maxPoolGrad, maxPoolGradConfig);
  apply('BatchMatMul', selection.batchMatMul, (stock) => batchMatMulConfig(BACKEND, stock));
  apply('Conv2DBackpropInput', selection.conv2dBackpropInput, (stock) =>
    conv2dBackpropInputConfig(BACKEND, stock),
  );

  // No stock kernel exists: "off" means unregistered, as in the released package.
  const hasFilterKernel = tf.getKernel('Conv2DBackpropFilter', BACKEND) !== undefined;
  if (selection.conv2dBackpropFilter) {
    swapKernel(conv2dBackpropFilterConfig(BACKEND));
    patched.push('Conv2DBackpropFilter');
  } else if (hasFilterKernel) {
    tf.unregisterKernel('Conv2DBackpropFilter', BACKEND);
  }
  return patched;
}

function stockKernel(kernelName: string): KernelConfig | undefined {
  const current: PatchedKernelConfig | undefined = tf.getKernel(kernelName, BACKEND);
  return current?.stock ?? current;
}

function swapKernel(config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) !== undefined) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
}
