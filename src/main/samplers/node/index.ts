/** Samplers layer, node part: loading `poseloop sample` inputs from files, and the benchmark. */
export { loadSamplerInput } from './load-input';
export {
  runSamplerBench,
  syntheticPredictions,
  type BenchOptions,
  type BenchResult,
  type BenchRun,
} from './bench';
