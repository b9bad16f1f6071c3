import { AppError } from '@shared/errors';
import type { DeepPriorConfig } from '../models/deepprior/types';
import type { HourglassConfig } from '../models/hourglass/types';
import type { NamedWeights } from '../models/named-weights';
import { readCheckpoint, type CheckpointModel, type LearnerCheckpointMeta } from './checkpoint';

/**
 * The config fields that shape the network or what its outputs mean. Training settings (learning rate, batch,
 * epochs, MC passes, augmentation) may differ between a checkpoint and the run that fine-tunes it.
 */
const ARCHITECTURE: { deepprior: (keyof DeepPriorConfig)[]; hourglass: (keyof HourglassConfig)[] } = {
  // The loss is here because it decides what the log-variance head's output means.
  deepprior: [
    'variant',
    'inputSize',
    'outputs',
    'convFilters',
    'kernelSize',
    'denseUnits',
    'dropoutRate',
    'leakySlope',
    'loss',
  ],
  hourglass: [
    'joints',
    'links',
    'inputSize',
    'gridSize',
    'stemChannels',
    'channels',
    'stacks',
    'depth',
    'dropoutRate',
    'auxHeads',
    'auxHiddenUnits',
  ],
};

export type CheckpointModelConfig<K extends CheckpointModel> = K extends 'deepprior'
  ? DeepPriorConfig
  : HourglassConfig;

/**
 * Why a checkpoint cannot start a run of `model` with `config` (another model, or an architecture field that
 * differs: "inputSize is 64 there, 128 here"), or null when it can. Pure: the loop uses it to pick a checkpoint.
 */
export function initialCheckpointMismatch<K extends CheckpointModel>(
  meta: LearnerCheckpointMeta,
  model: K,
  config: CheckpointModelConfig<K>,
): string | null {
  if (meta.model !== model) return `it holds a ${meta.model} model, not a ${model} one`;
  const stored = meta.config as unknown as Record<string, unknown>;
  const wanted = config as unknown as Record<string, unknown>;
  for (const key of ARCHITECTURE[model] as string[]) {
    const [there, here] = [JSON.stringify(stored[key]), JSON.stringify(wanted[key])];
    if (there !== here) return `its ${key} is ${there}, this training's is ${here}`;
  }
  return null;
}

/**
 * The weights a fine-tuning run starts from: the checkpoint at `path`, refused with an error naming the folder
 * unless it holds `model` with `config`'s architecture (and, for DeepPrior, the same VL4Pose head where it has one).
 */
export async function readInitialWeights<K extends CheckpointModel>(
  path: string,
  model: K,
  config: CheckpointModelConfig<K>,
  aux: unknown = null,
): Promise<{ weights: NamedWeights; hasAux: boolean }> {
  const refuse = (why: string): never => {
    throw new AppError(
      'invalid_input',
      `cannot fine-tune from ${path}: ${why} (train from scratch, or use the settings it was trained with)`,
      'initialCheckpoint',
    );
  };
  const reading =
    model === 'deepprior' ? readCheckpoint(path, 'deepprior') : readCheckpoint(path, 'hourglass');
  const checkpoint = await reading.catch((error: unknown) =>
    refuse(error instanceof Error ? error.message : String(error)),
  );
  const why = initialCheckpointMismatch(checkpoint.meta, model, config);
  if (why !== null) refuse(why);
  const storedAux = checkpoint.meta.model === 'deepprior' ? checkpoint.meta.aux : null;
  // A VL4Pose head reads detached features: where the checkpoint has none, it starts fresh without harm.
  if (storedAux !== null && aux !== null && JSON.stringify(storedAux) !== JSON.stringify(aux))
    refuse('its VL4Pose head has another skeleton');
  return { weights: checkpoint.weights, hasAux: storedAux !== null };
}

/** Loads `weights` into a net, turning a missing or misshapen weight into an error naming the checkpoint. */
export function loadInitialWeights(
  net: { loadWeights(weights: NamedWeights): void },
  weights: NamedWeights,
  path: string,
): void {
  try {
    net.loadWeights(weights);
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `cannot fine-tune from ${path}: ${(error as Error).message}`,
      'initialCheckpoint',
    );
  }
}
