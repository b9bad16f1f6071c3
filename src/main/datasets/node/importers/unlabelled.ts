import { CAMERA_PRESETS, type DatasetCameraId } from '@shared/camera';
import type { Intrinsics } from '@shared/domain';
import { AppError } from '@shared/errors';
import { HAND21, getSkeleton } from '@shared/skeletons';
import { listFiles } from '../files';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import { datasetInfo, nothingToImport, resolveOptions } from './common';

export interface UnlabelledImportOptions extends ImportOptions {
  /** The sensor: a preset id or explicit intrinsics (required: uvd ↔ xyz depends on it). */
  camera: DatasetCameraId | Intrinsics;
  /** Skeleton the frames will be annotated with. Default: the canonical hand. */
  skeleton: string;
}

const DEPTH_FILE = /\.(png|bin)$/i;

/** Every depth image (`.png`, MSRA `.bin`) under the root, as records with joints null, keyed by path. */
export async function openUnlabelledImport(
  root: string,
  options: Partial<UnlabelledImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions({ skeleton: HAND21.id, ...options });
  const camera = settings.camera;
  const intrinsics =
    settings.intrinsics ?? (typeof camera === 'string' ? CAMERA_PRESETS[camera].intrinsics : camera);
  if (intrinsics === undefined) {
    throw new AppError(
      'invalid_input',
      'an unlabelled folder needs its camera: --camera icvl|nyu|bighand|msra or --intrinsics fx,fy,cx,cy,width,height',
      'camera',
    );
  }
  const files = await listFiles(root, (name) => DEPTH_FILE.test(name));
  if (files.length === 0) throw nothingToImport('unlabelled', root, '*.png, *.bin');
  const dataset = datasetInfo('unlabelled', root, getSkeleton(settings.skeleton).id, intrinsics, settings);
  return runImport(root, dataset, settings, async function* () {
    for (const file of files) yield { key: file, imagePath: file, uvd: null, file };
  });
}
