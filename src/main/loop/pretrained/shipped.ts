import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PretrainedManifest } from '@shared/contract';
import type { CheckpointRecord } from '../../store';
import type { LoopProject } from '../context';
import type { CheckpointRef } from '../pipeline';
import { AppError } from '@shared/errors';
import { poseloopPackage } from '../../fs/package-root';

/**
 * The shipped starting models, made by `poseloop pretrain`: depth hands, the `fast` DeepPrior on synthetic hands;
 * people, the `fast` heatmap hourglass on synthetic people (MPII16 joints).
 */
export const SHIPPED_MODELS = { depth: 'deepprior-fast-hand21', rgb: 'hourglass-fast-mpii16' } as const;

export const MANIFEST_FILE = 'manifest.json';

/** Where shipped models live: `resources/models/` of the PoseLoop folder (POSELOOP_MODELS_DIR overrides it). */
export function shippedModelsDir(): string {
  const override = process.env['POSELOOP_MODELS_DIR'];
  if (override) return override;
  const pkg = poseloopPackage();
  if (!pkg)
    throw new AppError('internal', 'cannot find the PoseLoop folder (package.json) to load shipped models');
  return join(pkg.dir, 'resources', 'models');
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const verified = new Map<string, PretrainedManifest>();

export interface ShippedModel {
  dir: string;
  manifest: PretrainedManifest;
}

/**
 * A modality's shipped model: its folder and manifest, its files checked against the manifest's sha256 (once per
 * process), or null when this copy of PoseLoop ships none. A damaged file is an error naming it.
 */
export async function shippedModel(modality: 'depth' | 'rgb'): Promise<ShippedModel | null> {
  const dir = join(shippedModelsDir(), SHIPPED_MODELS[modality]);
  const manifestPath = join(dir, MANIFEST_FILE);
  const cached = verified.get(dir);
  if (cached) return { dir, manifest: cached };
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    return null;
  }
  const parsed = PretrainedManifest.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new AppError(
      'invalid_input',
      `${manifestPath}: ${parsed.error.issues[0]?.path.join('.')} is invalid`,
    );
  for (const file of parsed.data.files) {
    const bytes = await readFile(join(dir, file.name));
    if (sha256(bytes) !== file.sha256)
      throw new AppError(
        'invalid_input',
        `${join(dir, file.name)} does not match its sha256 in ${manifestPath}: the shipped model is damaged`,
      );
  }
  verified.set(dir, parsed.data);
  return { dir, manifest: parsed.data };
}

/** The project's checkpoint row for a shipped model (added on first use): its predictions' provenance. */
export function shippedRow(
  project: LoopProject,
  shipped: { manifest: PretrainedManifest },
): CheckpointRecord {
  const { manifest } = shipped;
  const weights = manifest.files.find((file) => file.name === 'weights.bin')?.sha256 ?? null;
  return project.store.checkpoints.pretrained(
    manifest.name,
    {
      model: manifest.model,
      name: manifest.name,
      label: manifest.label,
      sha256: weights,
      command: manifest.command,
    },
    manifest.training.backend,
  );
}

/**
 * Where a project's first training starts: its modality's shipped model, when the project has none of its own yet
 * and shares the model's skeleton (its outputs are the model's joints). Otherwise undefined: the usual rule decides.
 */
export async function shippedStart(project: LoopProject): Promise<CheckpointRef | undefined> {
  if (project.store.checkpoints.latest()) return undefined;
  const shipped = await shippedModel(project.modality);
  if (!shipped || shipped.manifest.skeleton !== project.skeleton.id) return undefined;
  return { id: shippedRow(project, shipped).id, path: shipped.dir };
}
