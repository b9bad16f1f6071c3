import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmeansFrames, uniformFrames } from '../../../src/main/datasets/formats/frame-pick';
import { collectImport, openDatasetImport } from '../../../src/main/datasets/node';
import { writeHdf5 } from '../../../src/main/fs/hdf5';
import { LSP14 } from '../../../src/shared/skeletons';
import { tempDir } from '../../helpers/tmp';

describe('frame picking', () => {
  it('uniform: the centres of equal slices, never more frames than the video has', () => {
    expect(uniformFrames(20, 4)).toEqual([2, 7, 12, 17]);
    expect(uniformFrames(3, 10)).toEqual([0, 1, 2]);
  });

  it('k-means: one frame per cluster of similar thumbnails, the one nearest its centre', () => {
    const frame = (value: number) => new Uint8Array(4).fill(value);
    // Three looks: dark (0–2), mid (100–101) and bright (250); the middle member of each is nearest its centre.
    const features = [0, 1, 2, 100, 101, 250].map(frame);
    expect(kmeansFrames(features, 3, 7)).toEqual([1, 3, 5]);
    expect(kmeansFrames(features, 10, 7)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!hasFfmpeg)
  console.warn('video import tests skipped: ffmpeg is not installed (sudo apt-get install ffmpeg)');

describe.skipIf(!hasFfmpeg)('video import (ffmpeg)', () => {
  const tmp = tempDir('poseloop-video-');
  const clip = join(tmp.dir, 'clip.mp4');
  const colours = join(tmp.dir, 'colours.avi');

  beforeAll(() => {
    const make = (args: string[]) =>
      expect(spawnSync('ffmpeg', ['-v', 'error', '-y', ...args]).status).toBe(0);
    // 2 s at 10 fps = 20 frames.
    make(['-f', 'lavfi', '-i', 'testsrc=duration=2:size=64x48:rate=10', '-pix_fmt', 'yuv420p', clip]);
    // 1 s each of red, blue, green: k-means with 3 clusters must pick one frame of each.
    make([
      ...['red', 'blue', 'green'].flatMap((c) => [
        '-f',
        'lavfi',
        '-i',
        `color=${c}:size=32x32:rate=10:duration=1`,
      ]),
      '-filter_complex',
      'concat=n=3:v=1:a=0',
      '-c:v',
      'mjpeg',
      colours,
    ]);
  });
  afterAll(() => tmp.cleanup());

  it('uniform: frames extracted as PNGs, keyed by frame index, with index and timestamp in frames.json', async () => {
    const progress: number[] = [];
    const run = await openDatasetImport('video', clip, {
      frames: 4,
      pick: 'uniform',
      progress: (fraction) => progress.push(fraction),
    });
    const records = await collectImport(run);
    expect(run.root).toBe(join(tmp.dir, 'clip-frames'));
    expect(run.dataset).toMatchObject({ format: 'video', modality: 'rgb', skeleton: 'mpii16' });
    expect(records.map((r) => [r.key, r.imagePath, r.frame, r.width, r.height, r.joints])).toEqual(
      [2, 7, 12, 17].map((f) => [
        `clip.mp4#${f}`,
        `frame-0000${String(f).padStart(2, '0')}.png`,
        f,
        64,
        48,
        null,
      ]),
    );
    const provenance = JSON.parse(await readFile(join(run.root!, 'frames.json'), 'utf8')) as {
      fps: number;
      frames: { frame: number; time: number }[];
    };
    expect(provenance.fps).toBe(10);
    expect(provenance.frames.map((f) => [f.frame, f.time])).toEqual([
      [2, 0.2],
      [7, 0.7],
      [12, 1.2],
      [17, 1.7],
    ]);
    expect(progress.at(-1)).toBeGreaterThan(0.5);
  });

  it('k-means picks one frame from each visually distinct part', async () => {
    const records = await collectImport(
      await openDatasetImport('video', colours, { frames: 3, pick: 'kmeans' }),
    );
    const frames = records.map((r) => r.frame!);
    expect(frames.map((f) => Math.floor(f / 10))).toEqual([0, 1, 2]);
  });

  it('SLEAP labels on a media video: the labelled frames are decoded by ffmpeg into <slp>-frames/', async () => {
    const slpDir = join(tmp.dir, 'sleap');
    await mkdir(slpDir);
    await copyFile(clip, join(slpDir, 'clip.mp4'));
    const n = LSP14.joints.length;
    const column = (dtype: string, values: number[]) => ({ dtype: dtype as '<d', values });
    const tableOf = (columns: Record<string, { dtype: '<d'; values: number[] }>) => ({
      kind: 'table' as const,
      columns: Object.entries(columns).map(([name, c]) => ({ name, ...c })),
    });
    await writeHdf5(join(slpDir, 'labels.slp'), {
      groups: {
        metadata: {
          format_id: 1.2,
          json: JSON.stringify({
            nodes: LSP14.joints.map((name) => ({ name, weight: 1 })),
            skeletons: [{ nodes: LSP14.joints.map((_, id) => ({ id })), links: [] }],
          }),
        },
      },
      datasets: {
        videos_json: {
          kind: 'strings',
          values: [JSON.stringify({ backend: { filename: 'clip.mp4', grayscale: false } })],
        },
        frames: tableOf({
          frame_id: column('<Q', [0]),
          video: column('<I', [0]),
          frame_idx: column('<Q', [5]),
          instance_id_start: column('<Q', [0]),
          instance_id_end: column('<Q', [1]),
        }),
        instances: tableOf({
          instance_id: column('<q', [0]),
          instance_type: column('<B', [0]),
          frame_id: column('<Q', [0]),
          skeleton: column('<I', [0]),
          track: column('<i', [-1]),
          from_predicted: column('<q', [-1]),
          score: column('<f', [0]),
          point_id_start: column('<Q', [0]),
          point_id_end: column('<Q', [n]),
          tracking_score: column('<f', [0]),
        }),
        points: tableOf({
          x: column(
            '<d',
            LSP14.joints.map((_, k) => 2 + 4 * k),
          ),
          y: column(
            '<d',
            LSP14.joints.map((_, k) => 1 + 3 * k),
          ),
          visible: column(
            '<b',
            LSP14.joints.map(() => 1),
          ),
          complete: column(
            '<b',
            LSP14.joints.map(() => 1),
          ),
        }),
      },
    });
    const [record] = await collectImport(await openDatasetImport('sleap', slpDir));
    expect(record).toMatchObject({
      imagePath: 'labels.slp-frames/video0/frame-000005.png',
      frame: 5,
      width: 64,
    });
    expect(record!.joints![13]).toMatchObject({ u: 54, v: 40, visibility: 'visible' });
  });

  it('cancel kills ffmpeg and imports nothing; a non-video is refused', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await openDatasetImport('video', clip, { frames: 5, signal: controller.signal }).catch(
      (e: Error) => e,
    );
    const error = run instanceof Error ? run : await collectImport(run).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'cancelled' });
    await expect(openDatasetImport('video', tmp.dir)).rejects.toThrow(/is not a video file/);
  });
});
