import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ScoredPoint } from '@shared/pose2d';
import { MOVENET_MODELS, MOVENET_PACKAGE, type MovenetName } from './constants';

export interface MovenetModel {
  name: MovenetName;
  label: string;
  inputSize: number;
  /**
   * Keypoints of one square crop (HWC floats in [0, 1), side = inputSize) in crop pixel coordinates (col = u,
   * row = v, pixel centres at integers), COCO order.
   */
  predict(crop: Float32Array): ScoredPoint[];
  dispose(): void;
}

/** Where the package keeps the model files; a clear error when the package is not installed. */
export function movenetFiles(name: MovenetName): { json: string; weights: string } {
  const require = createRequire(import.meta.url);
  let json: string;
  try {
    json = require.resolve(`${MOVENET_PACKAGE}/models/${MOVENET_MODELS[name].file}.json`);
  } catch (error) {
    throw new Error(
      `the pretrained human-pose model needs the npm package ${MOVENET_PACKAGE} (run npm install): ${String(error)}`,
      { cause: error },
    );
  }
  return { json, weights: json.replace(/\.json$/, '.bin') };
}

/** Loads a MoveNet graph model from the package (the caller has chosen the TF.js backend). */
export async function loadMovenet(name: MovenetName = 'thunder'): Promise<MovenetModel> {
  const { json, weights } = movenetFiles(name);
  const artifact = JSON.parse(readFileSync(json, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bytes = readFileSync(weights);
  const graph = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: artifact.modelTopology,
      weightSpecs: artifact.weightsManifest.flatMap((group) => group.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
  const { inputSize, label } = MOVENET_MODELS[name];
  return {
    name,
    label,
    inputSize,
    predict(crop) {
      if (crop.length !== inputSize * inputSize * 3)
        throw new Error(`MoveNet ${name} takes ${inputSize}×${inputSize}×3 crops, got ${crop.length} values`);
      const output = tf.tidy(() => {
        const input = tf.tensor4d(crop, [1, inputSize, inputSize, 3]).mul(256).round().toInt();
        return graph.execute(input) as tf.Tensor;
      });
      const values = output.dataSync();
      output.dispose();
      // Normalised (y, x) → pixel-centre coordinates of the crop.
      return Array.from({ length: values.length / 3 }, (_, k) => ({
        u: values[3 * k + 1]! * inputSize - 0.5,
        v: values[3 * k]! * inputSize - 0.5,
        score: values[3 * k + 2]!,
      }));
    },
    dispose: () => graph.dispose(),
  };
}
