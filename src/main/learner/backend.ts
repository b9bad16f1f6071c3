import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmPatches } from './patches';

/** Backends in order of preference. `node-gpu` and `node` are the optional native TensorFlow bindings. */
export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  name: BackendName;
  /** Human-readable reason for the choice, including why better backends were skipped. */
  reason: string;
  /** Kernels patched on wasm (empty elsewhere). */
  patchedKernels: string[];
}

/** Environment variable that forces a backend (tests, benchmarks, troubleshooting). */
export const BACKEND_ENV = 'POSELOOP_BACKEND';

const NATIVE_PACKAGES: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

// The one module-level state: TensorFlow.js has one global engine per thread, so the choice is per thread too.
let chosen: BackendChoice | undefined;

/**
 * Picks and initialises the TensorFlow.js backend of this thread: `preference`, else $POSELOOP_BACKEND, else the
 * first that works of node-gpu → node → wasm (with our kernel patches) → cpu. A forced backend that fails throws.
 * Later calls return the first choice (a thread cannot switch engines safely while models hold tensors).
 */
export async function selectBackend(preference?: BackendName): Promise<BackendChoice> {
  if (chosen !== undefined) return chosen;
  const forced = preference ?? parseBackendName(process.env[BACKEND_ENV]);
  const skipped: string[] = [];
  for (const name of forced === undefined ? BACKEND_NAMES : [forced]) {
    try {
      const patchedKernels = await initialise(name);
      const why =
        forced !== undefined
          ? `forced by ${preference !== undefined ? 'caller' : BACKEND_ENV}`
          : 'first available';
      chosen = { name, reason: [why, ...skipped].join('; '), patchedKernels };
      return chosen;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (forced !== undefined)
        throw new Error(`backend ${name} (forced) failed to start: ${message}`, { cause: error });
      skipped.push(`${name} unavailable: ${message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}

/** The backend chosen in this thread, if any. */
export function currentBackend(): BackendChoice | undefined {
  return chosen;
}

export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`${BACKEND_ENV}=${value} is not a backend; use one of ${BACKEND_NAMES.join(', ')}`);
}

async function initialise(name: BackendName): Promise<string[]> {
  if (name === 'node-gpu' || name === 'node') {
    // A variable specifier: the packages are optional and usually absent, so they must not be resolved at build time.
    const specifier: string = NATIVE_PACKAGES[name];
    await import(specifier);
    await activate('tensorflow');
    return [];
  }
  const patchedKernels = name === 'wasm' ? registerWasmPatches() : [];
  await activate(name);
  return patchedKernels;
}

async function activate(backendName: string): Promise<void> {
  const ok = await tf.setBackend(backendName);
  if (!ok || tf.getBackend() !== backendName) throw new Error(`tf.setBackend('${backendName}') failed`);
  await tf.ready();
}
