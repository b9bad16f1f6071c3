import { createRequire } from 'node:module';
import type * as OnnxRuntimeModule from 'onnxruntime-node';

/** MC-dropout inference engines of the DeepPrior learner, in order of preference. */
export const MC_ENGINE_NAMES = ['onnx', 'tfjs'] as const;
export type McEngineName = (typeof MC_ENGINE_NAMES)[number];

/** Environment variable that forces an engine (tests, benchmarks, troubleshooting). */
export const MC_ENGINE_ENV = 'POSELOOP_MC_ENGINE';

export type OnnxRuntime = typeof OnnxRuntimeModule;

export interface McEngineChoice {
  name: McEngineName;
  /** Human-readable reason, including why a better engine was skipped. */
  reason: string;
  /** ONNX Runtime's version when it runs the passes. */
  version?: string;
}

/** The chosen engine; `runtime` is the loaded ONNX Runtime module for 'onnx', null for 'tfjs'. */
export interface McEngine {
  choice: McEngineChoice;
  runtime: OnnxRuntime | null;
}

/**
 * Picks the MC-dropout engine of this thread: `preference`, else $POSELOOP_MC_ENGINE, else ONNX Runtime (the
 * optional `onnxruntime-node` package, CPU) when it loads, else TF.js on the thread's backend. A forced engine that
 * fails to load throws.
 */
export async function selectMcEngine(preference?: McEngineName): Promise<McEngine> {
  const forced = preference ?? parseMcEngineName(process.env[MC_ENGINE_ENV]);
  const why =
    forced === undefined
      ? 'first available'
      : `forced by ${preference !== undefined ? 'caller' : MC_ENGINE_ENV}`;
  if (forced === 'tfjs') return { choice: { name: 'tfjs', reason: why }, runtime: null };
  try {
    const runtime = loadOnnxRuntime();
    return {
      choice: { name: 'onnx', reason: why, version: runtime.env.versions.node ?? 'unknown' },
      runtime,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (forced === 'onnx')
      throw new Error(`MC engine onnx (forced) failed to load: ${message}`, { cause: error });
    return {
      choice: { name: 'tfjs', reason: `first available; onnx unavailable: ${message}` },
      runtime: null,
    };
  }
}

export function parseMcEngineName(value: string | undefined): McEngineName | undefined {
  if (value === undefined || value === '') return undefined;
  if ((MC_ENGINE_NAMES as readonly string[]).includes(value)) return value as McEngineName;
  throw new Error(`${MC_ENGINE_ENV}=${value} is not an MC engine; use one of ${MC_ENGINE_NAMES.join(', ')}`);
}

function loadOnnxRuntime(): OnnxRuntime {
  // Loaded at run time (a CommonJS package with a native binding, optional): a created require keeps the bundler
  // from inlining it, so its binding is found beside its own files in node_modules.
  return createRequire(import.meta.url)('onnxruntime-node') as OnnxRuntime;
}
