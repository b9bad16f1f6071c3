import { AppError } from '@shared/errors';
import { MPII16 } from '@shared/skeletons';
import { stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { kmeansFrames, uniformFrames } from '../../formats/frame-pick';
import { extractFrames, thumbnails, probeVideo } from '../ffmpeg';
import { type DatasetImport, runImport } from '../import-runner';
import { resolveOptions, rgbDatasetInfo } from './common';
import { type RgbFolderImportOptions, checkHumanSkeleton } from './rgb-folder';

export interface VideoImportOptions extends RgbFolderImportOptions {
  /** How many frames to extract. */
  frames: number;
  /** uniform = evenly spread; kmeans = one per cluster of visually similar frames (DeepLabCut's method). */
  pick: 'uniform' | 'kmeans';
  seed: number;
  signal?: AbortSignal;
  /** Extraction progress, fraction in [0, 1]. */
  progress?: (fraction: number, message: string) => void;
}

const VIDEO = /\.(mp4|mov|avi|mkv|m4v|webm)$/i;
/** Thumbnail side for k-means features (8×8 RGB, 192 numbers), and at most this many candidate frames. */
const THUMB_SIDE = 8;
const MAX_CANDIDATES = 3000;

/**
 * A video file (mp4, mov, avi, …) as an unlabelled RGB dataset: `frames` frames picked uniformly or by k-means are
 * decoded by ffmpeg into `<video folder>/<video name>-frames/frame-<index>.png` (the dataset's root) with
 * `frames.json` beside them (video path, fps, and per frame its index and timestamp). Each sample is keyed
 * `<video file>#<frame index>`, keeps the index as its frame number and `t=<seconds> s` as a tag.
 */
export async function openVideoImport(
  root: string,
  options: Partial<VideoImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions({
    skeleton: MPII16.id,
    frames: 20,
    pick: 'uniform' as const,
    seed: 1,
    ...options,
  });
  const skeleton = checkHumanSkeleton(settings.skeleton);
  const info = await stat(root).catch(() => null);
  if (!info?.isFile() || !VIDEO.test(root))
    throw new AppError(
      'invalid_input',
      `${root} is not a video file (mp4, mov, avi, mkv, m4v, webm)`,
      'root',
    );
  const video = basename(root);
  const framesDir = join(dirname(root), `${basename(root, extname(root))}-frames`);
  const report = settings.progress ?? (() => {});
  const { signal } = settings;
  const probe = await probeVideo(root, signal);
  const dataset = rgbDatasetInfo('video', root, skeleton.id, settings);
  return runImport(framesDir, dataset, settings, async function* () {
    const indices = await pickFrames(root, probe.frames, settings);
    report(0.5, `extracting ${indices.length} frames`);
    const names = await extractFrames(root, indices, framesDir, {
      ...(signal ? { signal } : {}),
      progress: (done) =>
        report(0.5 + (0.5 * done) / indices.length, `${done}/${indices.length} frames extracted`),
    });
    const time = (index: number) => (probe.fps > 0 ? index / probe.fps : 0);
    const provenance = {
      video: root,
      fps: probe.fps,
      frameCount: probe.frames,
      pick: settings.pick,
      frames: indices.map((index, i) => ({ frame: index, time: time(index), file: names[i] })),
    };
    await writeFile(join(framesDir, 'frames.json'), JSON.stringify(provenance, null, 1));
    for (const [i, index] of indices.entries()) {
      yield {
        key: `${video}#${index}`,
        imagePath: names[i]!,
        uvd: null,
        file: video,
        frame: index,
        tags: [`t=${time(index).toFixed(3)} s`],
        size: { width: probe.width, height: probe.height },
      };
    }
  });
}

async function pickFrames(path: string, total: number, settings: VideoImportOptions): Promise<number[]> {
  if (settings.pick === 'uniform') return uniformFrames(total, settings.frames);
  const step = Math.max(1, Math.ceil(total / MAX_CANDIDATES));
  const candidates = Math.ceil(total / step);
  const thumbs = await thumbnails(path, {
    step,
    side: THUMB_SIDE,
    ...(settings.signal ? { signal: settings.signal } : {}),
    progress: (done) =>
      settings.progress?.((0.4 * done) / candidates, `${done}/${candidates} frames scanned`),
  });
  settings.progress?.(0.45, `clustering ${thumbs.length} frames into ${settings.frames}`);
  return kmeansFrames(thumbs, settings.frames, settings.seed).map((i) => i * step);
}
