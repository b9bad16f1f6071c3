import { decode, encode } from 'fast-png';
import h5wasm from 'h5wasm/node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectImport, openDatasetImport } from '../../../src/main/datasets/node';
import { writeHdf5 } from '../../../src/main/fs/hdf5';
import { tempDir } from '../../helpers/tmp';

/**
 * A SLEAP package (`labels.pkg.slp`) as sleap-io writes one (`Labels.save(..., embed="user")`): videos_json names
 * the file itself (filename ".") and `video0/video`; that dataset holds one PNG per row, zero-padded to the longest
 * (int8), with attributes `format` and `channel_order`, and `video0/frame_numbers` says which video frame each row
 * is. The skeleton is a fly's (head, thorax, abdomen; a symmetry link is not an edge).
 */
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-pkg-')));
afterEach(() => cleanup());

const NAMES = ['head', 'thorax', 'abdomen', 'wing_l', 'wing_r'];
const EDGE = { 'py/reduce': [{ 'py/type': 'sleap.skeleton.EdgeType' }, { 'py/tuple': [1] }] };
const SYMMETRY = { 'py/reduce': [{ 'py/type': 'sleap.skeleton.EdgeType' }, { 'py/tuple': [2] }] };

/** A 4×3 frame of one colour, as PNG bytes. */
const png = (rgb: [number, number, number]) =>
  encode({
    width: 4,
    height: 3,
    data: new Uint8Array(12 * 3).map((_, i) => rgb[i % 3]!),
    channels: 3,
    depth: 8,
  });

const column = (name: string, dtype: string, values: number[]) => ({ name, dtype: dtype as '<d', values });

async function writePackage(path: string, channelOrder: 'RGB' | 'BGR'): Promise<void> {
  const metadata = {
    version: '2.0.0',
    skeletons: [
      {
        directed: true,
        graph: { name: 'fly', num_edges_inserted: 4 },
        links: [
          { source: 0, target: 1, key: 0, type: EDGE },
          { source: 1, target: 2, key: 0, type: EDGE },
          { source: 1, target: 3, key: 0, type: EDGE },
          { source: 1, target: 4, key: 0, type: EDGE },
          { source: 3, target: 4, key: 0, type: SYMMETRY },
        ],
        nodes: NAMES.map((_, id) => ({ id })),
      },
    ],
    nodes: NAMES.map((name) => ({ name, weight: 1 })),
  };
  const point = (k: number, dx: number) => [1 + (k % 3) + dx, 1 + (k % 2)];
  const user = NAMES.map((_, k) => point(k, 0));
  const predicted = NAMES.map((_, k) => point(k, 0.25));
  await writeHdf5(path, {
    groups: { metadata: { format_id: 1.4, json: JSON.stringify(metadata) } },
    datasets: {
      videos_json: {
        kind: 'strings',
        values: [JSON.stringify({ backend: { type: 'HDF5Video', filename: '.', dataset: 'video0/video' } })],
      },
      frames: {
        kind: 'table',
        columns: [
          column('frame_id', '<Q', [0, 1]),
          column('video', '<I', [0, 0]),
          column('frame_idx', '<Q', [3, 7]),
          column('instance_id_start', '<Q', [0, 1]),
          column('instance_id_end', '<Q', [1, 2]),
        ],
      },
      instances: {
        kind: 'table',
        columns: [
          column('instance_id', '<q', [0, 1]),
          column('instance_type', '<B', [0, 1]),
          column('frame_id', '<Q', [0, 1]),
          column('skeleton', '<I', [0, 0]),
          column('track', '<i', [-1, -1]),
          column('from_predicted', '<q', [-1, -1]),
          column('score', '<f', [NaN, 0.75]),
          column('point_id_start', '<Q', [0, 0]),
          column('point_id_end', '<Q', [5, 5]),
          column('tracking_score', '<f', [0, 0]),
        ],
      },
      points: {
        kind: 'table',
        columns: [
          column(
            'x',
            '<d',
            user.map(([x]) => x!),
          ),
          column(
            'y',
            '<d',
            user.map(([, y]) => y!),
          ),
          column('visible', '<b', [1, 1, 1, 0, 1]),
          column('complete', '<b', [1, 1, 1, 1, 1]),
        ],
      },
      pred_points: {
        kind: 'table',
        columns: [
          column(
            'x',
            '<d',
            predicted.map(([x]) => x!),
          ),
          column(
            'y',
            '<d',
            predicted.map(([, y]) => y!),
          ),
          column('visible', '<b', [1, 1, 1, 1, 1]),
          column('complete', '<b', [0, 0, 0, 0, 0]),
          column('score', '<d', [0.9, 0.8, 0.7, 0.6, 0.5]),
        ],
      },
    },
  });
  // The embedded frames, zero-padded rows of int8 as sleap-io's fixed-length layout.
  const frames = [png([10, 20, 30]), png([200, 100, 50])];
  const width = Math.max(...frames.map((f) => f.length)) + 5;
  const rows = new Int8Array(frames.length * width);
  frames.forEach((bytes, r) =>
    rows.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), r * width),
  );
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'a');
  try {
    file.create_group('video0');
    const video = file.create_dataset({ name: 'video0/video', data: rows, shape: [2, width], dtype: '<b' });
    video.create_attribute('format', 'png');
    video.create_attribute('channel_order', channelOrder);
    file.create_dataset({ name: 'video0/frame_numbers', data: new BigInt64Array([3n, 7n]), dtype: '<q' });
  } finally {
    file.close();
  }
}

const firstPixel = async (path: string) => Array.from(decode(await readFile(path)).data.slice(0, 3));

describe('SLEAP package (.pkg.slp) with embedded images', () => {
  it('writes the embedded frames out, defines the fly skeleton, keeps the prediction apart', async () => {
    await writePackage(join(dir, 'labels.pkg.slp'), 'RGB');
    const run = await openDatasetImport('sleap', dir);
    const records = await collectImport(run);
    expect(run.errors).toEqual([]);
    expect(run.dataset.layout).toMatchObject({ kind: 'custom', joints: NAMES });
    // Body edges as the file lists them; the wing symmetry is not an edge.
    expect(run.dataset.layout!.links).toEqual([
      [0, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ]);
    expect(records.map((r) => [r.key, r.frame, r.joints === null])).toEqual([
      ['labels.pkg.slp-frames/video0/frame-000003.png#0', 3, false],
      ['labels.pkg.slp-frames/video0/frame-000007.png#0', 7, true],
    ]);
    expect(records[0]!.joints![3]!.visibility).toBe('occluded');
    expect(records[0]).toMatchObject({ width: 4, height: 3 });
    expect(await firstPixel(join(dir, records[0]!.imagePath))).toEqual([10, 20, 30]);
    expect(await firstPixel(join(dir, records[1]!.imagePath))).toEqual([200, 100, 50]);
    // The predicted fly on frame 7 has no label to lie on: it is the suggestion of its own pool sample.
    expect(run.predictions).toMatchObject([{ key: records[1]!.key, score: expect.closeTo(0.75, 6) }]);
    expect(run.predictions[0]!.scores).toEqual([0.9, 0.8, 0.7, 0.6, 0.5]);
    expect(run.predictions[0]!.joints[0]).toMatchObject({ u: 1.25, v: 1 });
  });

  it('swaps red and blue back for frames stored as BGR (OpenCV-encoded)', async () => {
    await writePackage(join(dir, 'labels.pkg.slp'), 'BGR');
    const records = await collectImport(await openDatasetImport('sleap', dir));
    expect(await firstPixel(join(dir, records[0]!.imagePath))).toEqual([30, 20, 10]);
  });
});
