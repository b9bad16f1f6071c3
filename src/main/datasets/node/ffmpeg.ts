import { AppError } from '@shared/errors';
import { spawn } from 'node:child_process';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Video decoding by the system's ffmpeg / ffprobe (spawned; never a hand-rolled decoder). Missing binaries are a
 * clear error saying how to install them. Every call takes an AbortSignal and kills ffmpeg on cancel.
 */
export const FFMPEG_INSTALL_HINT =
  'install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) and make sure it is on PATH';

export interface VideoInfo {
  width: number;
  height: number;
  /** Frames per second (the stream's average rate). */
  fps: number;
  frames: number;
}

/** Runs a binary to completion, collecting stdout (bytes) and stderr (text); chunks also go to `onData`. */
function run(
  binary: 'ffmpeg' | 'ffprobe',
  args: readonly string[],
  signal: AbortSignal | undefined,
  onData?: (chunk: Buffer) => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const abort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', abort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (onData ? onData(chunk) : out.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', abort);
      reject(
        error.code === 'ENOENT'
          ? new AppError('unsupported', `${binary} was not found: ${FFMPEG_INSTALL_HINT}`, 'root')
          : error,
      );
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted)
        return reject(new AppError('cancelled', 'video import cancelled; nothing was imported'));
      if (code === 0) return resolve(Buffer.concat(out));
      const last = err.trim().split('\n').pop() ?? '';
      reject(new AppError('invalid_input', `${binary} failed (exit ${code}): ${last}`, 'root'));
    });
  });
}

export async function probeVideo(path: string, signal?: AbortSignal): Promise<VideoInfo> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets'];
  const entries = [
    '-show_entries',
    'stream=width,height,avg_frame_rate,nb_read_packets',
    '-of',
    'json',
    path,
  ];
  const json = JSON.parse((await run('ffprobe', [...args, ...entries], signal)).toString()) as {
    streams?: { width?: number; height?: number; avg_frame_rate?: string; nb_read_packets?: string }[];
  };
  const stream = json.streams?.[0];
  const [num, den] = (stream?.avg_frame_rate ?? '0/1').split('/').map(Number);
  const frames = Number(stream?.nb_read_packets);
  if (!stream?.width || !stream.height || !(frames > 0))
    throw new AppError('invalid_input', `${path}: no video stream ffprobe can read`, 'root');
  return { width: stream.width, height: stream.height, fps: den ? num! / den : 0, frames };
}

/**
 * Every `step`-th frame shrunk to side×side RGB pixels, decoded in one pass (the features k-means picks from;
 * colour, since grey maps e.g. red and green to nearly the same value). One Uint8Array per sampled frame; frame i
 * of the result is video frame i·step.
 */
export async function thumbnails(
  path: string,
  options: { step: number; side: number; signal?: AbortSignal; progress?: (done: number) => void },
): Promise<Uint8Array[]> {
  const { step, side } = options;
  const size = 3 * side * side;
  const frames: Uint8Array[] = [];
  let pending = Buffer.alloc(0);
  const filter = `select='not(mod(n\\,${step}))',scale=${side}:${side}:flags=area,format=rgb24`;
  await run(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-vf', filter, '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
    options.signal,
    (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= size) {
        frames.push(new Uint8Array(pending.subarray(0, size)));
        pending = pending.subarray(size);
      }
      options.progress?.(frames.length);
    },
  );
  return frames;
}

/**
 * Writes the given frames (0-based indices) as `<outDir>/frame-<index, 6 digits>.png`, decoding the video once.
 * Returns the file names in the order of `indices` sorted ascending.
 */
export async function extractFrames(
  path: string,
  indices: readonly number[],
  outDir: string,
  options: { signal?: AbortSignal; progress?: (done: number) => void } = {},
): Promise<string[]> {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  await mkdir(outDir, { recursive: true });
  const select = sorted.map((index) => `eq(n\\,${index})`).join('+');
  const temp = join(outDir, `.extract-${process.pid}-%06d.png`);
  await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-i',
      path,
      '-vf',
      `select='${select}'`,
      '-fps_mode',
      'passthrough',
      '-progress',
      'pipe:1',
      temp,
    ],
    options.signal,
    (chunk) => {
      const done = /frame=(\d+)\s*$/m.exec(chunk.toString());
      if (done) options.progress?.(Number(done[1]));
    },
  );
  const names = sorted.map((index) => `frame-${String(index).padStart(6, '0')}.png`);
  // ffmpeg numbers its outputs 1, 2, … in selection order: rename them after the frame they are.
  for (const [i, name] of names.entries())
    await rename(
      join(outDir, temp.replace(/^.*\//, '').replace('%06d', String(i + 1).padStart(6, '0'))),
      join(outDir, name),
    );
  return names;
}
