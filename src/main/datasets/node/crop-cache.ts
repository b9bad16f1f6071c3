import type { Intrinsics } from '@shared/domain';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { type CropFrame, type CropSettings, cropAndNormalise, cropFrame } from '../preprocess/crop';
import { type HandCentreOptions, detectHandCentre } from '../preprocess/centre';
import type { DepthImage } from '../types';

/**
 * Binary cache of model-input crops for one project, addressed by sample id.
 *
 *   bytes 0–7     magic "PLCROP01"
 *   bytes 8–11    uint32 LE: length L of the header JSON
 *   12 … 12+L     header JSON {settings, count}; then zero padding to a multiple of 8
 *   index         count × 8 float64 LE: sampleId, U, V, D, S, left, top, ok (1 = cropped, 0 = no hand found)
 *   crops         count × inputSize² float32 LE, row-major, in index order (all zero when ok = 0)
 *
 * The cache is rebuilt when its settings (crop settings and detector options) or its sample ids differ from what is
 * asked for. It is written to a temp file and renamed into place, so a crash never leaves a half-written cache.
 */

const MAGIC = 'PLCROP01';
const INDEX_FIELDS = 8;

export interface CropCacheSettings extends CropSettings {
  /** Detector options, part of the settings: changing them changes every crop. */
  detector: Partial<HandCentreOptions>;
}

export interface CropSource {
  sampleId: number;
  intrinsics: Intrinsics;
  load(): Promise<DepthImage>;
}

interface Header {
  settings: CropCacheSettings;
  count: number;
}

export class CropCache {
  private constructor(
    private readonly handle: FileHandle,
    readonly settings: CropCacheSettings,
    private readonly frames: Map<number, { slot: number; frame: CropFrame | null }>,
    private readonly cropsOffset: number,
  ) {}

  /** Opens `path` if it exists and was built with `settings`; otherwise null (missing, corrupt or stale). */
  static async open(path: string, settings: CropCacheSettings): Promise<CropCache | null> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch {
      return null;
    }
    try {
      const prefix = await readExactly(handle, 0, 12);
      if (Buffer.from(prefix.subarray(0, 8)).toString('latin1') !== MAGIC)
        throw new Error('not a crop cache');
      const headerLength = new DataView(prefix.buffer).getUint32(8, true);
      const header = JSON.parse(
        Buffer.from(await readExactly(handle, 12, headerLength)).toString('utf8'),
      ) as Header;
      if (settingsKey(header.settings) !== settingsKey(settings)) throw new Error('stale settings');
      const indexOffset = align8(12 + headerLength);
      const index = new Float64Array(
        (await readExactly(handle, indexOffset, header.count * INDEX_FIELDS * 8)).buffer,
      );
      const frames = new Map<number, { slot: number; frame: CropFrame | null }>();
      for (let slot = 0; slot < header.count; slot++) {
        const [sampleId, u, v, d, side, left, top, ok] = index.subarray(
          slot * INDEX_FIELDS,
          (slot + 1) * INDEX_FIELDS,
        );
        frames.set(sampleId!, {
          slot,
          frame: ok === 1 ? { u: u!, v: v!, d: d!, side: side!, left: left!, top: top! } : null,
        });
      }
      return new CropCache(handle, settings, frames, indexOffset + header.count * INDEX_FIELDS * 8);
    } catch {
      await handle.close();
      return null;
    }
  }

  get sampleIds(): number[] {
    return [...this.frames.keys()];
  }

  /** Where the crop of a sample was cut (null: no hand found; undefined: not in the cache). */
  frame(sampleId: number): CropFrame | null | undefined {
    return this.frames.get(sampleId)?.frame;
  }

  /** Crops of `sampleIds`, back to back (N × inputSize²), e.g. one training batch. */
  async read(sampleIds: readonly number[], out?: Float32Array): Promise<Float32Array> {
    const pixels = this.settings.inputSize * this.settings.inputSize;
    const target = out ?? new Float32Array(sampleIds.length * pixels);
    await Promise.all(
      sampleIds.map(async (sampleId, i) => {
        const entry = this.frames.get(sampleId);
        if (!entry) throw new Error(`sample ${sampleId} is not in the crop cache`);
        const bytes = new Uint8Array(target.buffer, target.byteOffset + i * pixels * 4, pixels * 4);
        await this.handle.read(bytes, 0, bytes.length, this.cropsOffset + entry.slot * pixels * 4);
      }),
    );
    return target;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Returns the cache at `path`, rebuilding it first when it is missing, stale, or does not hold exactly `sources`'
 * sample ids. Each source is detected (same detector for labelled and unlabelled frames), cut and normalised.
 */
export async function ensureCropCache(
  path: string,
  settings: CropCacheSettings,
  sources: readonly CropSource[],
  warn: UnreadableWarning = warnUnreadable,
): Promise<CropCache> {
  const existing = await CropCache.open(path, settings);
  const wanted = new Set(sources.map((source) => source.sampleId));
  if (
    existing &&
    existing.sampleIds.length === wanted.size &&
    existing.sampleIds.every((id) => wanted.has(id))
  ) {
    return existing;
  }
  await existing?.close();
  await buildCropCache(path, settings, sources, warn);
  const rebuilt = await CropCache.open(path, settings);
  if (!rebuilt) throw new Error(`crop cache ${path} could not be read back after writing`);
  return rebuilt;
}

/** Told about each image that cannot be read while the cache is built; the sample gets no crop and is skipped. */
export type UnreadableWarning = (sampleId: number, message: string) => void;

const warnUnreadable: UnreadableWarning = (sampleId, message) =>
  process.emitWarning(
    `sample ${sampleId}: ${message}; it is skipped until the file is fixed`,
    'PoseLoopWarning',
  );

export async function buildCropCache(
  path: string,
  settings: CropCacheSettings,
  sources: readonly CropSource[],
  warn: UnreadableWarning = warnUnreadable,
): Promise<void> {
  const header = Buffer.from(JSON.stringify({ settings, count: sources.length } satisfies Header), 'utf8');
  const indexOffset = align8(12 + header.length);
  const pixels = settings.inputSize * settings.inputSize;
  const cropsOffset = indexOffset + sources.length * INDEX_FIELDS * 8;
  const prefix = new Uint8Array(indexOffset);
  prefix.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(prefix.buffer).setUint32(8, header.length, true);
  prefix.set(header, 12);
  const index = new Float64Array(sources.length * INDEX_FIELDS);
  const crop = new Float32Array(pixels);
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const handle = await open(temp, 'w');
  try {
    await handle.write(prefix, 0, prefix.length, 0);
    for (const [slot, source] of sources.entries()) {
      // A broken image (truncated, deleted since import) must not fail every round: it gets no crop, like a frame
      // with no hand found, and the caller is warned with the file's error.
      const image = await source.load().catch((error: unknown) => {
        warn(source.sampleId, (error as Error).message);
        return null;
      });
      const centre =
        image &&
        detectHandCentre(image, source.intrinsics, {
          cubeMm: settings.cubeMm,
          ...settings.detector,
        });
      crop.fill(0);
      const frame = image && centre ? cutCrop(image, source.intrinsics, centre, settings, crop) : null;
      index.set(
        frame
          ? [source.sampleId, frame.u, frame.v, frame.d, frame.side, frame.left, frame.top, 1]
          : [source.sampleId, 0, 0, 0, 0, 0, 0, 0],
        slot * INDEX_FIELDS,
      );
      await handle.write(new Uint8Array(crop.buffer), 0, crop.byteLength, cropsOffset + slot * pixels * 4);
    }
    await handle.write(new Uint8Array(index.buffer), 0, index.byteLength, indexOffset);
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The crop of `image` around an explicit centre (a refined centre, or the labelled joints' centroid) into `out`, and
 * where it was cut; null (and `out` zeroed) when the window leaves the padded frame.
 */
function cutCrop(
  image: DepthImage,
  camera: Intrinsics,
  centre: { u: number; v: number; d: number },
  settings: CropSettings,
  out: Float32Array,
): CropFrame | null {
  const frame = cropFrame(camera, centre, settings.cubeMm);
  out.fill(0);
  if (frame) cropAndNormalise(image, frame, settings, out);
  return frame;
}

/**
 * Crops of `sources` cut around explicit centres (`centres[i]` for `sources[i]`), back to back in `out`
 * (N × inputSize²), with where each was cut; null where the image cannot be read or the window leaves the padded
 * frame (that row of `out` is zero). Not cached: the centres change with every model.
 */
export async function cropsAtCentres(
  sources: readonly CropSource[],
  centres: readonly { u: number; v: number; d: number }[],
  settings: CropSettings,
  out = new Float32Array(sources.length * settings.inputSize * settings.inputSize),
): Promise<(CropFrame | null)[]> {
  const pixels = settings.inputSize * settings.inputSize;
  const frames: (CropFrame | null)[] = [];
  for (const [i, source] of sources.entries()) {
    const image = await source.load().catch(() => null);
    const crop = out.subarray(i * pixels, (i + 1) * pixels);
    frames.push(image ? cutCrop(image, source.intrinsics, centres[i]!, settings, crop) : null);
  }
  return frames;
}

async function readExactly(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const { bytesRead } = await handle.read(bytes, 0, length, position);
  if (bytesRead !== length) throw new Error('truncated crop cache');
  return bytes;
}

function align8(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

/** Settings compared by value, independent of key order. */
function settingsKey(settings: CropCacheSettings): string {
  const sorted = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return JSON.stringify(
    sorted({ cubeMm: settings.cubeMm, inputSize: settings.inputSize, detector: settings.detector }),
  );
}
