import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '@shared/errors';
import { tmpdir } from 'node:os';
import { writeHdf5 } from '../../fs/hdf5';
import { checksumListing, EXPORT_MANIFEST, type FileDigest } from '../formats/manifest';
import { diskError } from '../../fs/disk-error';
import type { ExportPlan, PlannedFile, PlannedImage } from '../types';

export interface WriteExportOptions {
  /** Replace an existing output (a folder only when it is empty or a previous PoseLoop export). */
  force: boolean;
  /** The bytes of an image to copy into a folder export (16-bit depth PNG). */
  readImage(image: PlannedImage): Promise<Uint8Array>;
  /** The manifest text, given the digests of the data files and their checksum. */
  manifest(files: readonly FileDigest[], checksum: string): string;
  signal?: AbortSignal;
  progress?(done: number, total: number): void;
}

export interface WrittenExport {
  out: string;
  /** Label, provenance and manifest files (absolute paths); images are counted, not listed. */
  files: string[];
  images: number;
  checksum: string;
  manifest: string;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The sidecar manifest of a file export. */
export function sidecarManifest(out: string): string {
  return `${out}.manifest.json`;
}

async function kindOf(path: string): Promise<'file' | 'folder' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Node's "cannot write here" errors become one line naming the `out` field; a full disk is an `io` error. */
function targetError(out: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof AppError || code === undefined) return error;
  const disk = diskError(error, out);
  if (disk !== error) return disk;
  if (['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'EEXIST', 'ENOENT'].includes(code)) {
    return new AppError(
      'invalid_input',
      `cannot write the export to ${out}: ${(error as Error).message}`,
      'out',
    );
  }
  return error;
}

/** Writes `data` to a new temp file beside `target` (exclusive create, fsync) and returns its path. */
async function writeTemp(target: string, data: Uint8Array | string): Promise<string> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

/** A planned file's bytes: its text, or the HDF5 file h5wasm writes for its description (through a temp file). */
async function fileBytes(file: PlannedFile): Promise<Uint8Array> {
  if ('text' in file) return new TextEncoder().encode(file.text);
  const temp = join(tmpdir(), `poseloop-${randomBytes(6).toString('hex')}.h5`);
  try {
    await writeHdf5(temp, file.hdf5);
    return new Uint8Array(await readFile(temp));
  } finally {
    await rm(temp, { force: true });
  }
}

function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('cancelled', 'export cancelled; nothing was written');
}

/**
 * Puts a planned export on disk atomically. A file export writes `out` and `<out>.manifest.json` through temp files
 * renamed into place; a folder export is built in a temp sibling folder and renamed into place (an old one, with
 * `force`, is swapped out and removed). A failure or cancel removes every temp file: no partial output remains.
 * An existing output is refused unless `force` (the error names the `out` field).
 */
export async function writeExport(
  out: string,
  plan: ExportPlan,
  options: WriteExportOptions,
): Promise<WrittenExport> {
  try {
    return plan.kind === 'file'
      ? await writeFileExport(out, plan, options)
      : await writeFolderExport(out, plan, options);
  } catch (error) {
    throw targetError(out, error);
  }
}

async function writeFileExport(
  out: string,
  plan: ExportPlan,
  options: WriteExportOptions,
): Promise<WrittenExport> {
  const manifestPath = sidecarManifest(out);
  const [outKind, manifestKind] = await Promise.all([kindOf(out), kindOf(manifestPath)]);
  if (outKind === 'folder') throw new AppError('conflict', `${out} is a folder; give a file name`, 'out');
  if ((outKind || manifestKind) && !options.force) {
    throw new AppError(
      'conflict',
      `${outKind ? out : manifestPath} already exists (force replaces it)`,
      'out',
    );
  }
  const [file] = plan.files;
  if (!file || plan.files.length !== 1) throw new Error('a file export plans exactly one file');
  const data = await fileBytes(file);
  const digest: FileDigest = { path: basename(out), bytes: data.byteLength, sha256: sha256(data) };
  checkCancel(options.signal);
  await mkdir(dirname(out), { recursive: true });
  const temps: string[] = [];
  try {
    temps.push(await writeTemp(out, data));
    temps.push(await writeTemp(manifestPath, options.manifest([digest], digest.sha256)));
    checkCancel(options.signal);
    await rename(temps[0]!, out);
    await rename(temps[1]!, manifestPath);
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
  options.progress?.(1, 1);
  return { out, files: [out, manifestPath], images: 0, checksum: digest.sha256, manifest: manifestPath };
}

/** An existing folder may be replaced only when it is empty or a previous PoseLoop export. */
async function replaceableFolder(path: string): Promise<boolean> {
  const entries = await readdir(path);
  if (entries.length === 0) return true;
  if (!entries.includes(EXPORT_MANIFEST)) return false;
  try {
    const manifest = JSON.parse(await readFile(join(path, EXPORT_MANIFEST), 'utf8')) as { format?: unknown };
    return manifest.format === 'poseloop-export';
  } catch {
    return false;
  }
}

async function writeFolderExport(
  out: string,
  plan: ExportPlan,
  options: WriteExportOptions,
): Promise<WrittenExport> {
  const existing = await kindOf(out);
  if (existing && !options.force) {
    throw new AppError('conflict', `${out} already exists (force replaces it)`, 'out');
  }
  if (existing === 'folder' && !(await replaceableFolder(out))) {
    throw new AppError(
      'conflict',
      `${out} is a folder that is not a PoseLoop export; it is never replaced: choose a new or empty folder`,
      'out',
    );
  }
  checkCancel(options.signal);
  const parent = dirname(out);
  await mkdir(parent, { recursive: true });
  const suffix = randomBytes(6).toString('hex');
  const temp = join(parent, `.${basename(out)}.export-${suffix}`);
  await mkdir(temp);
  try {
    const digests: FileDigest[] = [];
    const put = async (path: string, data: Uint8Array) => {
      await mkdir(dirname(join(temp, path)), { recursive: true });
      const handle = await open(join(temp, path), 'wx');
      try {
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
      digests.push({ path, bytes: data.byteLength, sha256: sha256(data) });
    };
    for (const file of plan.files) await put(file.path, await fileBytes(file));
    for (const [index, image] of plan.images.entries()) {
      checkCancel(options.signal);
      await put(image.path, await options.readImage(image));
      options.progress?.(index + 1, plan.images.length);
    }
    const checksum = sha256(checksumListing(digests));
    const manifestHandle = await open(join(temp, EXPORT_MANIFEST), 'wx');
    try {
      await manifestHandle.writeFile(options.manifest(digests, checksum));
      await manifestHandle.sync();
    } finally {
      await manifestHandle.close();
    }
    checkCancel(options.signal);
    if (existing) {
      const old = join(parent, `.${basename(out)}.old-${suffix}`);
      await rename(out, old);
      try {
        await rename(temp, out);
      } catch (error) {
        await rename(old, out);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, out);
    }
    return {
      out,
      files: [...plan.files.map((file) => join(out, file.path)), join(out, EXPORT_MANIFEST)],
      images: plan.images.length,
      checksum,
      manifest: join(out, EXPORT_MANIFEST),
    };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
