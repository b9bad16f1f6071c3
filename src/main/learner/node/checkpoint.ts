import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { BackendChoice } from '../backend';
import type { NamedWeights } from '../models/named-weights';
import type { DepthAugmentation } from '../models/deepprior/augment';
import type { DeepPriorConfig } from '../models/deepprior/types';
import type { HourglassConfig } from '../models/hourglass/types';
import type { Vl4PoseAuxConfig } from '../models/vl4pose-aux/types';
import type { HeatmapTrainMetrics, TrainMetrics, WeightTable } from '../protocol';

export const CHECKPOINT_FORMAT = 'poseloop-learner-checkpoint';
export const CHECKPOINT_VERSION = 1;
const META_FILE = 'checkpoint.json';
const WEIGHTS_FILE = 'weights.bin';
/** Temporary folders start with this; they are never valid checkpoints and may be deleted at any time. */
export const TEMP_PREFIX = '.tmp-';

/** The model families a checkpoint can hold. Checkpoints written before the field existed hold DeepPrior. */
export type CheckpointModel = 'deepprior' | 'hourglass';
const CHECKPOINT_MODELS: readonly CheckpointModel[] = ['deepprior', 'hourglass'];

/** Fields every checkpoint has, whatever the model. */
interface CheckpointMetaBase {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  createdAt: string;
  seed: number;
  backend: Pick<BackendChoice, 'name' | 'reason'>;
  /** The checkpoint folder this one was fine-tuned from; null (or absent, in older checkpoints): fresh weights. */
  initialCheckpoint?: string | null;
  weights: { name: string; shape: number[]; offset: number; length: number }[];
}

/**
 * A checkpoint is a folder: `checkpoint.json` (format, model, config, backend, metrics, weight index) + `weights.bin`
 * (little-endian float32 weights concatenated in index order). This is the DeepPrior hand regressor's metadata.
 */
export interface CheckpointMeta extends CheckpointMetaBase {
  model: 'deepprior';
  config: DeepPriorConfig;
  aux: Vl4PoseAuxConfig | null;
  metrics: TrainMetrics;
  /** The training augmentation (null or absent: none). */
  augmentation?: DepthAugmentation | null;
  /** How the training crops were centred (absent in older checkpoints: 'detector'). */
  cropCentring?: CropCentring;
}

/**
 * `detector`: crops around the depth-only hand detector's centre, as the reference. `refined`: the model was trained
 * on both the detector's crops and crops around the labelled joints' centroid, and predicts in two stages — a first
 * prediction on the detector's crop, then again on a crop re-centred on that prediction's joint centroid (DeepPrior++).
 */
export type CropCentring = 'detector' | 'refined';

/** Metadata of a 2-D human heatmap (stacked hourglass) checkpoint; its auxiliary heads are part of `config`. */
export interface HourglassCheckpointMeta extends CheckpointMetaBase {
  model: 'hourglass';
  config: HourglassConfig;
  metrics: HeatmapTrainMetrics;
}

/** Any checkpoint's metadata; `model` tells the kinds apart. */
export type LearnerCheckpointMeta = CheckpointMeta | HourglassCheckpointMeta;

export interface Checkpoint {
  path: string;
  meta: CheckpointMeta;
  weights: NamedWeights;
}

export interface HourglassCheckpoint {
  path: string;
  meta: HourglassCheckpointMeta;
  weights: NamedWeights;
}

type WrittenByCaller<M> = Omit<M, 'format' | 'version' | 'createdAt' | 'weights'>;

export type CheckpointContent = Omit<WrittenByCaller<CheckpointMeta>, 'model'>;
export type HourglassCheckpointContent = WrittenByCaller<HourglassCheckpointMeta>;

/**
 * Writes a checkpoint atomically: everything goes to a temporary sibling folder that is renamed into place, so a
 * reader sees a complete checkpoint or none. Refuses to overwrite an existing path.
 */
export async function writeCheckpoint(
  path: string,
  content: CheckpointContent | HourglassCheckpointContent,
  weights: WeightTable,
): Promise<void> {
  if (await exists(path))
    throw new AppError('conflict', `checkpoint ${path} already exists`, 'checkpointPath');
  const parent = join(path, '..');
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  await mkdir(temp);
  try {
    let offset = 0;
    const index = weights.names.map((name, i) => {
      const entry = { name, shape: weights.shapes[i]!, offset, length: weights.values[i]!.length };
      offset += entry.length * 4;
      return entry;
    });
    const blob = Buffer.alloc(offset);
    weights.values.forEach((values, i) =>
      blob.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), index[i]!.offset),
    );
    const meta: LearnerCheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      createdAt: new Date().toISOString(),
      ...('model' in content ? content : { ...content, model: 'deepprior' as const }),
      weights: index,
    };
    await writeFile(join(temp, WEIGHTS_FILE), blob, { flush: true });
    await writeFile(join(temp, META_FILE), JSON.stringify(meta, null, 2), { flush: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads a checkpoint's metadata; `model` is filled in ('deepprior') for checkpoints older than the field. */
export async function readCheckpointMeta(path: string): Promise<LearnerCheckpointMeta> {
  let text: string;
  try {
    text = await readFile(join(path, META_FILE), 'utf8');
  } catch {
    throw new AppError('not_found', `no learner checkpoint at ${path}`, 'checkpointPath');
  }
  const stored = JSON.parse(text) as Omit<LearnerCheckpointMeta, 'model'> & { model?: CheckpointModel };
  if (stored.format !== CHECKPOINT_FORMAT || stored.version !== CHECKPOINT_VERSION) {
    throw new AppError(
      'unsupported',
      `${path} is not a version-${CHECKPOINT_VERSION} learner checkpoint`,
      'checkpointPath',
    );
  }
  const model = stored.model ?? 'deepprior';
  if (!CHECKPOINT_MODELS.includes(model)) {
    throw new AppError('unsupported', `${path} holds an unknown model '${String(model)}'`, 'checkpointPath');
  }
  return { ...stored, model } as LearnerCheckpointMeta;
}

/** Narrows metadata to one model kind; a checkpoint of the other kind is refused with a clear error. */
export function requireModel<K extends CheckpointModel>(
  meta: LearnerCheckpointMeta,
  model: K,
  path: string,
): Extract<LearnerCheckpointMeta, { model: K }> {
  if (meta.model !== model) {
    throw new AppError(
      'unsupported',
      `${path} holds a ${meta.model} model; this operation needs the ${model} model`,
      'checkpointPath',
    );
  }
  return meta as Extract<LearnerCheckpointMeta, { model: K }>;
}

/** Reads metadata and weights; without `model` the checkpoint must be a DeepPrior one (the original API). */
export async function readCheckpoint(path: string): Promise<Checkpoint>;
export async function readCheckpoint(path: string, model: 'deepprior'): Promise<Checkpoint>;
export async function readCheckpoint(path: string, model: 'hourglass'): Promise<HourglassCheckpoint>;
export async function readCheckpoint(
  path: string,
  model: CheckpointModel = 'deepprior',
): Promise<Checkpoint | HourglassCheckpoint> {
  const meta = requireModel(await readCheckpointMeta(path), model, path);
  const blob = await readFile(join(path, WEIGHTS_FILE));
  const weights: NamedWeights = new Map();
  for (const entry of meta.weights) {
    if (entry.offset + entry.length * 4 > blob.byteLength) {
      throw new AppError(
        'invalid_input',
        `checkpoint ${path} is truncated at weight ${entry.name}`,
        'checkpointPath',
      );
    }
    // Copy into an aligned buffer: the file buffer's offset into the Node pool is not float-aligned in general.
    const bytes = blob.subarray(entry.offset, entry.offset + entry.length * 4);
    const values = new Float32Array(entry.length);
    new Uint8Array(values.buffer).set(bytes);
    weights.set(entry.name, { shape: entry.shape, values });
  }
  return { path, meta, weights } as Checkpoint | HourglassCheckpoint;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
