import { selectBackend } from '../backend';
import { createOnnxMcNet, runOnnxMcInference, selectMcEngine } from '../engines';
import { flipAveraging, runHeatmapInference } from '../models/hourglass/inference';
import { checkRgbCrops } from '../models/hourglass/inputs';
import { runMcInference } from '../models/deepprior/inference';
import { checkCrops, cropsAtInputSize } from '../inputs';
import { DeepPriorModel } from '../models/deepprior/model';
import { HeatmapAuxNet } from '../models/hourglass/aux';
import { HourglassModel } from '../models/hourglass/model';
import { hasAuxHeads } from '../models/hourglass/validate';
import type { NamedWeights } from '../models/named-weights';
import { Vl4PoseAuxHead } from '../models/vl4pose-aux/model';
import type {
  HeatmapPredictJob,
  HeatmapPredictResult,
  PredictJob,
  PredictProgress,
  PredictResult,
} from '../protocol';
import { readCheckpoint } from './checkpoint';

/**
 * How a job that runs native ONNX Runtime code is stopped: it declares itself (the parent then sends `cancel` rather
 * than terminate the thread mid-run) and checks for the request between runs.
 */
export interface Cooperation {
  declare(): void;
  stopRequested(): boolean;
}

/**
 * Loads the checkpoint in this thread and runs MC-dropout inference on the job's images, on ONNX Runtime where it
 * loads (or as the job says), else on TF.js.
 */
export async function runPredictJob(
  job: PredictJob,
  onProgress: (progress: PredictProgress) => void,
  cooperation: Cooperation,
): Promise<PredictResult> {
  const backend = await selectBackend(job.backend);
  const engine = await selectMcEngine(job.engine);
  const checkpoint = await readCheckpoint(job.checkpointPath);
  const { config, aux: auxConfig, seed } = checkpoint.meta;
  checkCrops('images', job.images);
  const x = cropsAtInputSize(job.images, config.inputSize);
  if (engine.runtime !== null) {
    cooperation.declare();
    const net = await createOnnxMcNet(engine.runtime, config, auxConfig, checkpoint.weights);
    try {
      const options = { ...job, stopRequested: cooperation.stopRequested };
      const result = await runOnnxMcInference(net, x, job.images.count, options, reportPasses(onProgress));
      return { ...result, backend, engine: engine.choice };
    } finally {
      await net.dispose();
    }
  }
  const model = new DeepPriorModel(config, seed);
  const aux = auxConfig === null ? null : new Vl4PoseAuxHead(auxConfig, config.denseUnits[1], seed);
  const result = inferWithWeights(model, aux, checkpoint.weights, () =>
    runMcInference(model, aux, x, job.images.count, job, reportPasses(onProgress)),
  );
  return { ...result, backend, engine: engine.choice };
}

/** Loads a heatmap checkpoint in this thread and runs MC-dropout inference on the job's images. */
export async function runHeatmapPredictJob(
  job: HeatmapPredictJob,
  onProgress: (progress: PredictProgress) => void,
): Promise<HeatmapPredictResult> {
  const backend = await selectBackend(job.backend);
  const checkpoint = await readCheckpoint(job.checkpointPath, 'hourglass');
  const { config, seed } = checkpoint.meta;
  checkRgbCrops('images', job.images, config);
  const model = new HourglassModel(config, seed);
  const aux = hasAuxHeads(config) ? new HeatmapAuxNet(config, seed) : null;
  const result = inferWithWeights(model, aux, checkpoint.weights, () =>
    runHeatmapInference(
      model,
      aux,
      job.images.x,
      job.images.count,
      { ...job, flip: flipAveraging(config) },
      reportPasses(onProgress),
    ),
  );
  return { ...result, backend };
}

/** A net that takes a checkpoint's weights and holds tensors until disposed. */
interface CheckpointNet {
  loadWeights(weights: NamedWeights): void;
  dispose(): void;
}

/** Loads the checkpoint's weights into a fresh model (and auxiliary net), runs `infer`, then frees both nets. */
function inferWithWeights<R>(
  model: CheckpointNet,
  aux: CheckpointNet | null,
  weights: NamedWeights,
  infer: () => R,
): R {
  try {
    model.loadWeights(weights);
    aux?.loadWeights(weights);
    return infer();
  } finally {
    model.dispose();
    aux?.dispose();
  }
}

/** Inference reports sample·passes done; the caller hears them as predict progress. */
function reportPasses(onProgress: (progress: PredictProgress) => void): (samplePassesDone: number) => void {
  return (samplePassesDone) => onProgress({ phase: 'predict', samplePassesDone });
}
