import { encode as encodePng } from 'fast-png';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { readHdf5 } from '../../fs/hdf5';
import { isJpeg } from '../formats/jpeg';
import { decodeRgb } from './load-rgb';

/** One embedded video of a `.pkg.slp`: its encoded frames, which video frame each is, and how they were encoded. */
interface EmbeddedFrames {
  images: Uint8Array[];
  frameNumbers: number[];
  format: string;
  /** 'BGR': the encoder (OpenCV) took the RGB frame for BGR, so red and blue are swapped in the file. */
  channelOrder: 'RGB' | 'BGR';
}

/**
 * Writes the frames SLEAP embedded in a `.pkg.slp` (`video<i>/video`: one encoded PNG or JPEG per row, zero-padded
 * or variable-length; `video<i>/frame_numbers`: the video frame of each row; attributes `format` and
 * `channel_order`) as image files under `folder` (relative to `root`): PNG and JPEG bytes as they are, except frames
 * stored with swapped channels ('BGR', or no attribute in files before format 1.4, as SLEAP reads them), which are
 * decoded, swapped back and written as PNG. Only `wanted` frames are written. Returns frame index → image path.
 */
export async function extractEmbeddedFrames(
  slpPath: string,
  dataset: string,
  wanted: readonly number[],
  root: string,
  folder: string,
): Promise<Map<number, string>> {
  const embedded = await readHdf5(slpPath, (h5) => {
    const images = h5.byteRows(dataset);
    if (!images) throw new Error(`embedded video dataset ${dataset} is missing`);
    const group = posix.dirname(dataset);
    const numbers = h5.numbers(`${group}/frame_numbers`)?.values;
    const order = h5.attribute(dataset, 'channel_order');
    const formatId = Number(h5.attribute('metadata', 'format_id') ?? 0);
    return {
      images,
      frameNumbers: numbers ? Array.from(numbers) : images.map((_, i) => i),
      format: String(h5.attribute(dataset, 'format') ?? ''),
      channelOrder: order === 'RGB' || (order === null && formatId >= 1.4) ? 'RGB' : 'BGR',
    } satisfies EmbeddedFrames;
  });
  if (embedded.format !== 'png' && embedded.format !== 'jpg')
    throw new Error(
      `${dataset} holds "${embedded.format || 'raw'}" frames; only embedded PNG and JPEG images are read`,
    );
  await mkdir(join(root, folder), { recursive: true });
  const rowOf = new Map(embedded.frameNumbers.map((frame, row) => [frame, row]));
  const paths = new Map<number, string>();
  for (const frame of new Set(wanted)) {
    const row = rowOf.get(frame);
    const bytes = row === undefined ? undefined : embedded.images[row];
    if (!bytes) throw new Error(`${dataset} has no embedded image of frame ${frame}`);
    const { name, data } = imageFile(frame, bytes, embedded.channelOrder);
    await writeFile(join(root, folder, name), data);
    paths.set(frame, posix.join(folder, name));
  }
  return paths;
}

function imageFile(
  frame: number,
  bytes: Uint8Array,
  order: 'RGB' | 'BGR',
): { name: string; data: Uint8Array } {
  const stem = `frame-${String(frame).padStart(6, '0')}`;
  const jpeg = isJpeg(bytes);
  if (order === 'RGB') return { name: `${stem}.${jpeg ? 'jpg' : 'png'}`, data: bytes };
  const image = decodeRgb(bytes);
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let p = 0; p < image.width * image.height; p++) {
    rgb[3 * p] = image.rgba[4 * p + 2]!;
    rgb[3 * p + 1] = image.rgba[4 * p + 1]!;
    rgb[3 * p + 2] = image.rgba[4 * p]!;
  }
  return {
    name: `${stem}.png`,
    data: encodePng({ width: image.width, height: image.height, data: rgb, channels: 3, depth: 8 }),
  };
}
