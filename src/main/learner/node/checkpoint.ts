import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { BackendChoice } from '../backend';
import type { NamedWeights } from '../models/deepprior/model';
import type { DeepPriorConfig } from '../models/deepprior/types';
import type { Vl4PoseAuxConfig } from '../models/vl4pose-aux/types';
import type { TrainMetrics, WeightTable } from '../protocol';

export const CHECKPOINT_FORMAT = 'poseloop-learner-checkpoint';
export const CHECKPOINT_VERSION = 1;
const META_FILE = 'checkpoint.json';
const WEIGHTS_FILE = 'weights.bin';
/** Temporary folders start with this; they are never valid checkpoints and may be deleted at any time. */
export const TEMP_PREFIX = '.tmp-';

/**
 * A checkpoint is a folder: `checkpoint.json` (format, config, backend, metrics, weight index) + `weights.bin`
 * (little-endian float32 weights concatenated in index order).
 */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  model: 'deepprior';
  createdAt: string;
  seed: number;
  config: DeepPriorConfig;
  aux: Vl4PoseAuxConfig | null;
  backend: Pick<BackendChoice, 'name' | 'reason'>;
  metrics: TrainMetrics;
  weights: { name: string; shape: number[]; offset: number; length: number }[];
}

export interface Checkpoint {
  path: string;
  meta: CheckpointMeta;
  weights: NamedWeights;
}

export type CheckpointContent = Omit<
  CheckpointMeta,
  'format' | 'version' | 'model' | 'createdAt' | 'weights'
>;

/**
 * Writes a checkpoint atomically: everything goes to a temporary sibling folder that is renamed into place, so a
 * reader sees a complete checkpoint or none. Refuses to overwrite an existing path.
 */
export async function writeCheckpoint(
  path: string,
  content: CheckpointContent,
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
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      model: 'deepprior',
      createdAt: new Date().toISOString(),
      ...content,
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

export async function readCheckpointMeta(path: string): Promise<CheckpointMeta> {
  let text: string;
  try {
    text = await readFile(join(path, META_FILE), 'utf8');
  } catch {
    throw new AppError('not_found', `no learner checkpoint at ${path}`, 'checkpointPath');
  }
  const meta = JSON.parse(text) as CheckpointMeta;
  if (meta.format !== CHECKPOINT_FORMAT || meta.version !== CHECKPOINT_VERSION) {
    throw new AppError(
      'unsupported',
      `${path} is not a version-${CHECKPOINT_VERSION} learner checkpoint`,
      'checkpointPath',
    );
  }
  return meta;
}

export async function readCheckpoint(path: string): Promise<Checkpoint> {
  const meta = await readCheckpointMeta(path);
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
  return { path, meta, weights };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
