/** MC-dropout inference engines for the DeepPrior learner: ONNX Runtime (fast, optional) and TF.js (fallback). */
export { MC_ENGINE_ENV, MC_ENGINE_NAMES, parseMcEngineName, selectMcEngine } from './choice';
export type { McEngine, McEngineChoice, McEngineName, OnnxRuntime } from './choice';
export { createOnnxMcNet, runOnnxMcInference, type OnnxMcNet, type OnnxMcOptions } from './onnx/mc';
