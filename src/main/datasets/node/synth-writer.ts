import { CAMERA_PRESETS, type DatasetCameraId } from '@shared/camera';
import type { Intrinsics } from '@shared/domain';
import { createRng } from '@shared/random';
import { HAND21 } from '@shared/skeletons';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { encodeDepthPng } from '../formats/depth-png';
import type { GenericManifest, GenericManifestFrame } from '../formats/generic';
import { formatIcvlLine } from '../formats/icvl';
import { createSynthGenerator, type SynthOptions } from '../synth/generate';
import type { PoseFamily } from '../synth/poses';
import { writeFileAtomic } from '../../fs/atomic';
import { diskError } from '../../fs/disk-error';

export interface SynthSplit {
  name: 'train' | 'test';
  frames: number;
  /** Pose-family weights for this split (default: the dataset-wide `synth.families`). */
  families?: Partial<Record<PoseFamily, number>>;
}

export interface SynthDatasetOptions {
  seed: number;
  camera: DatasetCameraId | Intrinsics;
  splits: SynthSplit[];
  cubeMm: number;
  name: string;
  /** Everything else the generator takes (rotation ranges, noise, background…). */
  synth: Partial<Omit<SynthOptions, 'camera'>>;
}

export const SYNTH_MANIFEST = 'poseloop-synth.json';

/**
 * Writes a synthetic dataset in an ICVL-like layout that the generic importer reads:
 *
 *   <outDir>/Depth/<split>/image_00000.png   16-bit greyscale PNG, depth in mm, 0 = no reading
 *   <outDir>/<split>.txt                     ICVL-style labels, one line per frame:
 *                                            `<split>/image_00000.png u1 v1 d1 … u21 v21 d21` (HAND21 order,
 *                                            paths relative to Depth/, u v px, d mm), "\n" line ends
 *   <outDir>/poseloop-synth.json             generic manifest: format 'poseloop-synth', version 1, name, skeleton
 *                                            'hand21', intrinsics, cubeMm, seed, splits, and per frame
 *                                            {image (relative to outDir), split, family, uvd[63], xyz[63] mm}
 *
 * Frame k of the whole dataset is drawn from its own seed derived from (seed, k), so any frame can be regenerated
 * alone. The manifest is written last and atomically: its presence means the folder is complete. A failure (a full
 * disk, a cancel) removes every file this call wrote, so no images are left without their labels; a full disk is
 * an `io` error naming the file.
 */
export async function writeSynthDataset(
  outDir: string,
  options: Partial<SynthDatasetOptions> = {},
): Promise<GenericManifest> {
  const settings: SynthDatasetOptions = {
    seed: 1,
    camera: 'icvl',
    splits: [{ name: 'train', frames: 100 }],
    cubeMm: 300,
    name: 'synthetic hands',
    synth: {},
    ...options,
  };
  const intrinsics =
    typeof settings.camera === 'string' ? CAMERA_PRESETS[settings.camera].intrinsics : settings.camera;
  const written: string[] = [];
  const write = async (path: string, data: Uint8Array | string, atomic = false) => {
    written.push(path);
    try {
      await (atomic ? writeFileAtomic(path, data) : writeFile(path, data));
    } catch (error) {
      throw diskError(error, path);
    }
  };
  try {
    return await writeFrames(outDir, settings, intrinsics, write);
  } catch (error) {
    await Promise.allSettled(written.map((path) => rm(path, { force: true })));
    throw error;
  }
}

async function writeFrames(
  outDir: string,
  settings: SynthDatasetOptions,
  intrinsics: Intrinsics,
  write: (path: string, data: Uint8Array | string, atomic?: boolean) => Promise<void>,
): Promise<GenericManifest> {
  const frames: GenericManifestFrame[] = [];
  let frameIndex = 0;
  for (const split of settings.splits) {
    await mkdir(join(outDir, 'Depth', split.name), { recursive: true });
    const generator = createSynthGenerator({
      ...settings.synth,
      camera: intrinsics,
      ...(split.families ? { families: split.families } : {}),
    });
    const labelLines: string[] = [];
    for (let i = 0; i < split.frames; i++, frameIndex++) {
      const frame = generator.next(createRng(frameSeed(settings.seed, frameIndex)));
      const labelPath = `${split.name}/image_${String(i).padStart(5, '0')}.png`;
      const image = posix.join('Depth', labelPath);
      await write(join(outDir, image), encodeDepthPng(frame));
      labelLines.push(formatIcvlLine(labelPath, frame.uvd));
      frames.push({
        image,
        split: split.name,
        family: frame.family,
        uvd: Array.from(frame.uvd),
        xyz: Array.from(frame.xyz),
      });
    }
    const labels = labelLines.map((line) => `${line}\n`).join('');
    await write(join(outDir, `${split.name}.txt`), labels, true);
  }
  const manifest: GenericManifest & { seed: number; splits: SynthSplit[] } = {
    format: 'poseloop-synth',
    version: 1,
    name: settings.name,
    skeleton: HAND21.id,
    intrinsics,
    cubeMm: settings.cubeMm,
    seed: settings.seed,
    splits: settings.splits,
    frames,
  };
  await write(join(outDir, SYNTH_MANIFEST), JSON.stringify(manifest), true);
  return manifest;
}

/** Decorrelated per-frame seed (golden-ratio multiplier), stable for (seed, frame index). */
function frameSeed(seed: number, frameIndex: number): number {
  return (seed ^ Math.imul(frameIndex + 1, 0x9e3779b1)) >>> 0;
}
