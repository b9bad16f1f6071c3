import { AppError } from '@shared/errors';
import { isAbsolute, join, posix, relative } from 'node:path';
import { readHdf5 } from '../../../fs/hdf5';
import { type SlpLabels, type SlpTables, parseSlp } from '../../formats/sleap';
import type { ForeignInstance } from '../../formats/instances';
import { extractFrames } from '../ffmpeg';
import { extractEmbeddedFrames } from '../slp-embedded';
import { toPosix } from '../files';
import type { DatasetImport, ImportOptions } from '../import-runner';
import { labelSource, nothingToImport, resolveOptions } from './common';
import { runInstanceImport } from './instances';

export interface SleapImportOptions extends ImportOptions {
  signal?: AbortSignal;
}

/**
 * SLEAP `.slp` files in the root, or the one `.slp` given as the root (formats/sleap.ts), read with h5wasm. User
 * instances become labels; predicted instances become imported predictions (node/importers/instances.ts). The
 * skeleton's nodes pick a built-in human layout or define a custom skeleton with the file's edges. Frames of
 * image-sequence videos are their image files (paths relative to the .slp's folder, or absolute); frames of media
 * videos (mp4, avi, …) are decoded by ffmpeg, and frames embedded in a `.pkg.slp` are written out, both into
 * `<name>.slp-frames/video<i>/`. Samples keep the video frame index.
 */
export async function openSleapImport(
  given: string,
  options: Partial<SleapImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  const { root, files } = await labelSource('sleap', given, ['.'], '.slp');
  if (files.length === 0) throw nothingToImport('sleap', given, '*.slp');
  const parsed: { file: string; labels: SlpLabels }[] = [];
  for (const file of files) {
    try {
      parsed.push({ file, labels: parseSlp(await readSlpTables(join(root, file)), file) });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'invalid_input',
        `${file}: ${(error as Error).message.replace(`${file}: `, '')}`,
        file,
      );
    }
  }
  const names = parsed[0]!.labels.names;
  const other = parsed.find(({ labels }) => labels.names.join() !== names.join());
  if (other)
    throw new AppError('invalid_input', `${other.file} and ${files[0]} have different skeletons`, other.file);
  const skeleton = { list: names, links: parsed[0]!.labels.links, file: files[0]! };
  return runInstanceImport('sleap', root, skeleton, settings, async function* () {
    for (const { file, labels } of parsed) {
      const frameFiles = await videoFrames(root, file, labels, settings.signal);
      for (const instance of labels.instances) {
        const image = imageOf(root, file, labels, instance, frameFiles);
        const { video: _video, ...rest } = instance;
        yield { ...rest, image, frame: instance.frame } satisfies ForeignInstance;
      }
    }
  });
}

async function readSlpTables(path: string): Promise<SlpTables> {
  return readHdf5(path, (h5) => {
    const metadata = h5.attribute('metadata', 'json');
    if (typeof metadata !== 'string')
      throw new Error('no metadata group with a "json" attribute (not a SLEAP file)');
    return {
      metadata,
      formatId: Number(h5.attribute('metadata', 'format_id') ?? 1),
      videos: h5.strings('videos_json') ?? [],
      frames: h5.table('frames') ?? [],
      instances: h5.table('instances') ?? [],
      points: h5.table('points') ?? [],
      predPoints: h5.table('pred_points') ?? [],
    };
  });
}

/**
 * Writes out the frames that have instances of each media video (decoded once by ffmpeg) and each embedded video
 * (from the .pkg.slp itself); returns `video index → frame index → image path`.
 */
async function videoFrames(
  root: string,
  file: string,
  labels: SlpLabels,
  signal: AbortSignal | undefined,
): Promise<Map<number, Map<number, string>>> {
  const result = new Map<number, Map<number, string>>();
  for (const [v, video] of labels.videos.entries()) {
    if (video.kind === 'images') continue;
    const wanted = labels.instances.filter((i) => i.video === v).map((i) => i.frame);
    if (wanted.length === 0) continue;
    const folder = posix.join(`${file}-frames`, `video${v}`);
    if (video.kind === 'embedded') {
      try {
        result.set(v, await extractEmbeddedFrames(join(root, file), video.dataset, wanted, root, folder));
      } catch (error) {
        throw new AppError('invalid_input', `${file}: ${(error as Error).message}`, file);
      }
      continue;
    }
    const source = isAbsolute(video.filename)
      ? video.filename
      : join(root, posix.dirname(file), video.filename);
    const names = await extractFrames(source, wanted, join(root, folder), signal ? { signal } : {});
    const sorted = [...new Set(wanted)].sort((a, b) => a - b);
    result.set(v, new Map(sorted.map((frame, i) => [frame, posix.join(folder, names[i]!)])));
  }
  return result;
}

function imageOf(
  root: string,
  file: string,
  labels: SlpLabels,
  instance: SlpLabels['instances'][number],
  frameFiles: Map<number, Map<number, string>>,
): string {
  const video = labels.videos[instance.video];
  if (!video)
    throw new AppError('invalid_input', `${file}: ${instance.where} names video ${instance.video}`, file);
  if (video.kind !== 'images') return frameFiles.get(instance.video)?.get(instance.frame) ?? instance.image;
  const name = video.filenames[instance.frame];
  if (name === undefined)
    throw new AppError(
      'invalid_input',
      `${file}: ${instance.where}: frame ${instance.frame} has no image file`,
      file,
    );
  return isAbsolute(name)
    ? toPosix(relative(root, name))
    : posix.join(posix.dirname(file), name.replace(/\\/g, '/'));
}
