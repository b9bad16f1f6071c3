import { LSP14, MPII16 } from '@shared/skeletons';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDlcCsv } from '../../../src/main/datasets/formats/dlc';
import { imagePath } from '../../../src/main/datasets/formats/labelstudio';
import { yoloLabelPath } from '../../../src/main/datasets/formats/yolo';
import { collectImport, openDatasetImport } from '../../../src/main/datasets/node';
import { writeHdf5 } from '../../../src/main/fs/hdf5';
import { tempDir } from '../../helpers/tmp';
import { writeJpeg, writePng } from './rgb-fixtures';

/**
 * Files written the way each peer tool writes them (hand-made after its documented layout, formats.md §4.2–4.4 and
 * the tools' own writers), read by our importers. Joint k of person p sits at (10 + 2k + p, 5 + k) unless noted.
 */
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-peer-')));
afterEach(() => cleanup());

const at = (k: number, p = 0) => [10 + 2 * k + p, 5 + k] as const;

async function put(path: string, text: string) {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

describe('DeepLabCut', () => {
  const parts = LSP14.joints;
  const header = (scorer: string, index: number) => {
    const pad = Array(index - 1).fill('');
    return [
      ['scorer', ...pad, ...parts.flatMap(() => [scorer, scorer])],
      ['bodyparts', ...pad, ...parts.flatMap((name) => [name, name])],
      ['coords', ...pad, ...parts.flatMap(() => ['x', 'y'])],
    ].map((row) => row.join(','));
  };
  // Joint 2 unlabelled (empty cells, DeepLabCut's NaN).
  const cells = (p = 0) => parts.flatMap((_, k) => (k === 2 ? ['', ''] : at(k, p).map(String)));

  it('reads a 3-column-index CollectedData CSV with config.yaml; empty cells are absent joints', async () => {
    await put(
      'config.yaml',
      `Task: people\nscorer: Alice\nbodyparts:\n${parts.map((p) => `- ${p}`).join('\n')}\nskeleton:\n- - neck\n  - head_top\n`,
    );
    await put(
      'labeled-data/video1/CollectedData_Alice.csv',
      [...header('Alice', 3), ['labeled-data', 'video1', 'img000.png', ...cells()].join(',')].join('\n') +
        '\n',
    );
    await writePng(join(dir, 'labeled-data/video1/img000.png'), 64, 48);
    const run = await openDatasetImport('dlc', dir);
    const [record] = await collectImport(run);
    expect(run.dataset.skeleton).toBe('lsp14');
    expect(record).toMatchObject({
      key: 'labeled-data/video1/img000.png#0',
      imagePath: 'labeled-data/video1/img000.png',
    });
    expect(record!.joints![2]!.visibility).toBe('absent');
    expect(record!.joints![13]).toMatchObject({ u: 36, v: 18, visibility: 'visible' });
  });

  it('reads the old one-column index and refuses bodyparts config.yaml lacks', async () => {
    await put(
      'labeled-data/v/CollectedData_Bob.csv',
      [...header('Bob', 1), ['labeled-data/v/img1.png', ...cells()].join(',')].join('\n'),
    );
    await writePng(join(dir, 'labeled-data/v/img1.png'), 64, 48);
    const [record] = await collectImport(await openDatasetImport('dlc', dir));
    expect(record!.imagePath).toBe('labeled-data/v/img1.png');
    await put('config.yaml', 'scorer: Bob\nbodyparts:\n- nose\n');
    await expect(openDatasetImport('dlc', dir)).rejects.toThrow(/config.yaml: bodyparts \[nose\] lack/);
  });

  it('multi-animal: one person per individual; machine labels (likelihood) are predictions', () => {
    const individuals = [
      'individuals',
      '',
      '',
      ...['ind1', 'ind2'].flatMap((id) => parts.flatMap(() => [id, id])),
    ];
    const twice = (row: string) => row.replace(/^(\w+,,,)(.*)$/, '$1$2,$2');
    const [scorer, bodyparts, coords] = header('Alice', 3).map(twice);
    const csv = [
      scorer,
      individuals.join(','),
      bodyparts,
      coords,
      ['labeled-data', 'v', 'a.png', ...cells(0), ...cells(1)].join(','),
    ];
    const table = parseDlcCsv(csv.join('\n'), 'c.csv');
    expect(table.individuals).toEqual(['ind1', 'ind2']);
    expect(table.instances.map((i) => [i.tags, i.points[1]])).toEqual([
      [['ind1'], { x: 12, y: 6, visibility: 'visible' }],
      [['ind2'], { x: 13, y: 6, visibility: 'visible' }],
    ]);
    // analyze_videos / machinelabels: a frame-number index and a likelihood coordinate.
    const machine =
      'scorer,DLC_resnet50,DLC_resnet50,DLC_resnet50\nbodyparts,nose,nose,nose\ncoords,x,y,likelihood\n0,1,2,0.9\n';
    expect(parseDlcCsv(machine, 'm.csv').instances[0]).toMatchObject({
      predicted: true,
      points: [{ x: 1, y: 2 }],
    });
  });
});

describe('SLEAP .slp', () => {
  it('reads user instances (invisible points → occluded, NaN → absent) and predictions apart, shifts format < 1.1', async () => {
    const names = MPII16.joints;
    // metadata as SLEAP's jsonpickle writes it: skeleton nodes reference the top-level nodes by py/id (1-based).
    const metadata = {
      version: '1.2.0',
      skeletons: [
        {
          directed: true,
          graph: { name: 'Skeleton-0', num_edges_inserted: 1 },
          links: [
            {
              edge_insert_idx: 0,
              key: 0,
              source: 0,
              target: 1,
              type: { 'py/reduce': [{ 'py/type': 'sleap.skeleton.EdgeType' }, { 'py/tuple': [1] }] },
            },
          ],
          multigraph: true,
          nodes: [...names].reverse().map((_, i) => ({ id: { 'py/id': names.length - i } })),
        },
      ],
      nodes: names.map((name) => ({ name, weight: 1.0 })),
    };
    const user = names.map((_, k) => at(k));
    const n = names.length;
    await writeJpeg(join(dir, 'frames/f0.jpg'), 64, 48);
    await writeHdf5(join(dir, 'labels.v000.slp'), {
      groups: { metadata: { format_id: 1.0, json: JSON.stringify(metadata) } },
      datasets: {
        videos_json: {
          kind: 'strings',
          values: [JSON.stringify({ backend: { filenames: ['frames/f0.jpg'], grayscale: false } })],
        },
        frames: table({
          frame_id: ['<Q', [0]],
          video: ['<I', [0]],
          frame_idx: ['<Q', [0]],
          instance_id_start: ['<Q', [0]],
          instance_id_end: ['<Q', [2]],
        }),
        instances: table({
          instance_id: ['<q', [0, 1]],
          instance_type: ['<B', [0, 1]],
          frame_id: ['<Q', [0, 0]],
          skeleton: ['<I', [0, 0]],
          track: ['<i', [-1, -1]],
          from_predicted: ['<q', [-1, -1]],
          score: ['<f', [NaN, 0.8]],
          point_id_start: ['<Q', [0, 0]],
          point_id_end: ['<Q', [n, n]],
          tracking_score: ['<f', [0, 0]],
        }),
        points: table({
          x: ['<d', user.map(([x], k) => (k === 4 ? NaN : x + 0.5))],
          y: ['<d', user.map(([, y], k) => (k === 4 ? NaN : y + 0.5))],
          visible: ['<b', user.map((_, k) => (k === 1 ? 0 : 1))],
          complete: ['<b', user.map(() => 1)],
        }),
        pred_points: table({
          x: ['<d', user.map(([x]) => x)],
          y: ['<d', user.map(([, y]) => y)],
          visible: ['<b', user.map(() => 1)],
          complete: ['<b', user.map(() => 0)],
          score: ['<d', user.map(() => 0.5)],
        }),
      },
    });
    const run = await openDatasetImport('sleap', dir);
    const records = await collectImport(run);
    expect(run.counts.skippedByReason).toEqual({});
    expect(records).toHaveLength(1);
    // The predicted instance lies on the user instance: it becomes that sample's prediction, with its scores.
    expect(run.predictions).toMatchObject([{ key: 'frames/f0.jpg#0', score: expect.closeTo(0.8, 6) }]);
    expect(run.predictions[0]!.scores).toEqual(names.map(() => 0.5));
    expect(run.predictions[0]!.joints[15]).toMatchObject({ u: 9.5, v: 4.5, visibility: 'visible' });
    const joints = records[0]!.joints!;
    // Nodes were listed in reverse: node 0 of the skeleton is the last MPII joint.
    expect(joints[15]).toMatchObject({ u: 10, v: 5, visibility: 'visible' });
    expect(joints[14]!.visibility).toBe('occluded');
    expect(joints[11]!.visibility).toBe('absent');
    expect(records[0]).toMatchObject({ imagePath: 'frames/f0.jpg', key: 'frames/f0.jpg#0', frame: 0 });
  });
});

function table(columns: Record<string, [string, number[]]>) {
  return {
    kind: 'table' as const,
    columns: Object.entries(columns).map(([name, [dtype, values]]) => ({
      name,
      dtype: dtype as '<d',
      values,
    })),
  };
}

describe('Label Studio', () => {
  it('groups keypoints by parent box, then by order; percent → px; predictions are the nearest person’s', async () => {
    const kp = (name: string, x: number, y: number, parentID?: string) => ({
      id: `k-${name}-${x}`,
      ...(parentID ? { parentID } : {}),
      from_name: 'kp',
      to_name: 'image',
      type: 'keypointlabels',
      original_width: 200,
      original_height: 100,
      image_rotation: 0,
      value: { x, y, width: 0.4, keypointlabels: [name] },
    });
    const box = {
      id: 'r1',
      from_name: 'box',
      to_name: 'image',
      type: 'rectanglelabels',
      original_width: 200,
      original_height: 100,
      value: { x: 10, y: 20, width: 50, height: 60, rotation: 0, rectanglelabels: ['person'] },
    };
    const tasks = [
      {
        id: 7,
        data: { image: '/data/upload/3/1a2b3c4d-a.jpg' },
        annotations: [
          {
            id: 1,
            result: [
              box,
              kp('left_eye', 10, 50, 'r1'),
              kp('nose', 20, 40, 'r1'),
              kp('nose', 50, 50),
              kp('left_ankle', 60, 80),
              kp('nose', 70, 30),
            ],
          },
        ],
        predictions: [{ model_version: 'v1', score: 0.7, result: [kp('nose', 21, 41)] }],
      },
    ];
    await put('export.json', JSON.stringify(tasks));
    await writeJpeg(join(dir, 'images/a.jpg'), 200, 100);
    const run = await openDatasetImport('labelstudio', dir);
    const records = await collectImport(run);
    expect(run.dataset.skeleton).toBe('coco17');
    expect(run.counts.skippedByReason).toEqual({});
    expect(run.predictions).toMatchObject([{ key: 'images/a.jpg#0', score: 0.7 }]);
    expect(run.predictions[0]!.joints[0]).toMatchObject({ u: 42, v: 41 });
    expect(records.map((r) => r.key)).toEqual(['images/a.jpg#0', 'images/a.jpg#1', 'images/a.jpg#2']);
    expect(records[0]!.box).toEqual([20, 20, 100, 60]);
    expect(records[0]!.joints![0]).toMatchObject({ u: 40, v: 40, visibility: 'visible' });
    expect(records[0]!.joints![1]).toMatchObject({ u: 20, v: 50 });
    expect(records[1]!.joints![15]).toMatchObject({ u: 120, v: 80 });
    expect(records[2]!.joints![0]).toMatchObject({ u: 140, v: 30 });
    expect(records[2]!.joints![15]!.visibility).toBe('absent');
  });

  it('resolves local-files, upload and URL image references', () => {
    expect(imagePath('/data/local-files/?d=people%2Fa%20b.jpg')).toBe('people/a b.jpg');
    expect(imagePath('/data/upload/12/deadbeef-run.png')).toBe('run.png');
    expect(imagePath('https://x.org/img/c.jpg?sig=1')).toBe('c.jpg');
  });
});

describe('CVAT for images 1.1', () => {
  it('reads skeletons: outside = absent, occluded kept, point order from the meta labels', async () => {
    const names = MPII16.joints;
    const point = (name: string, k: number) => {
      const [x, y] = at(k);
      return `<points label="${name}" source="manual" outside="${k === 6 ? 1 : 0}" occluded="${k === 3 ? 1 : 0}" points="${x}.50,${y}.00" z_order="0"></points>`;
    };
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><job><id>4</id><labels>
    <label><name>body</name><color>#fa3253</color><type>skeleton</type><attributes></attributes><svg>&lt;line x1="1"/&gt;</svg></label>
    ${[...names]
      .reverse()
      .map(
        (name) =>
          `<label><name>${name}</name><color>#ffffff</color><type>points</type><attributes></attributes><parent>body</parent></label>`,
      )
      .join('\n    ')}
  </labels></job><dumped>2024-01-01</dumped></meta>
  <image id="0" name="a.jpg" width="64" height="48">
    <skeleton label="body" source="manual" z_order="0">${names.map(point).join('')}</skeleton>
  </image>
  <image id="1" name="b.jpg" width="64" height="48"></image>
</annotations>`;
    await put('annotations.xml', xml);
    await writeJpeg(join(dir, 'images/a.jpg'), 64, 48);
    await writeJpeg(join(dir, 'images/b.jpg'), 64, 48);
    const records = await collectImport(await openDatasetImport('cvat', dir));
    expect(records.map((r) => [r.imagePath, r.joints === null])).toEqual([
      ['images/a.jpg', false],
      ['images/b.jpg', true],
    ]);
    const joints = records[0]!.joints!;
    expect(joints[0]).toMatchObject({ u: 10.5, v: 5, visibility: 'visible' });
    expect(joints[3]!.visibility).toBe('occluded');
    expect(joints[6]!.visibility).toBe('absent');
  });
});

describe('Ultralytics YOLO-pose', () => {
  it('reads coco-pose style data.yaml (17 keypoints, no names) and normalised labels with v flags', async () => {
    await put(
      'data.yaml',
      'path: .\ntrain: images/train2017\nval: images/val2017\nkpt_shape: [17, 3]\nflip_idx: [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]\nnames:\n  0: person\n',
    );
    const kps = Array.from({ length: 17 }, (_, k) =>
      k === 5 ? '0 0 0' : `${(10 + k) / 100} ${(5 + k) / 50} ${k === 1 ? 1 : 2}`,
    );
    await put('labels/train2017/a.txt', `0 0.5 0.5 0.4 0.6 ${kps.join(' ')}\n0 0.5 0.5 0.1 0.1\n`);
    await writeJpeg(join(dir, 'images/train2017/a.jpg'), 100, 50);
    await writeJpeg(join(dir, 'images/val2017/b.jpg'), 100, 50);
    const run = await openDatasetImport('yolo', dir);
    const records = await collectImport(run);
    expect(run.errors).toMatchObject([{ file: 'labels/train2017/a.txt', line: 2, reason: 'joint-count' }]);
    expect(records.map((r) => [r.imagePath, r.split, r.joints === null])).toEqual([
      ['images/train2017/a.jpg', 'train', false],
      ['images/val2017/b.jpg', 'test', true],
    ]);
    expect(records[0]!.box).toEqual([30, 10, 40, 30]);
    expect(records[0]!.joints![0]).toMatchObject({ u: 10, v: 5, visibility: 'visible' });
    expect(records[0]!.joints![1]!.visibility).toBe('occluded');
    expect(records[0]!.joints![5]!.visibility).toBe('absent');
    expect(yoloLabelPath('d/images/x/images/a.b.jpg')).toBe('d/images/x/labels/a.b.txt');
  });

  it('kpt_names of an animal define a custom skeleton; the labels read in its order', async () => {
    await put(
      'data.yaml',
      'train: images\nkpt_shape: [3, 3]\nflip_idx: [0, 2, 1]\nkpt_names:\n  0: [beak, left_wing, right_wing]\nnames:\n  0: bird\n',
    );
    await put('labels/a.txt', '0 0.5 0.5 0.5 0.5 0.1 0.2 2 0.3 0.4 1 0 0 0\n');
    await writeJpeg(join(dir, 'images/a.jpg'), 100, 50);
    const run = await openDatasetImport('yolo', dir);
    const [record] = await collectImport(run);
    expect(run.dataset.layout).toMatchObject({ kind: 'custom', joints: ['beak', 'left_wing', 'right_wing'] });
    expect(run.dataset.layout!.name).toBe('YOLO skeleton (3 keypoints, from data.yaml)');
    expect(record!.joints!.map((j) => [j.u, j.v, j.visibility])).toEqual([
      [10, 10, 'visible'],
      [30, 20, 'occluded'],
      [null, null, 'absent'],
    ]);
  });

  it('refuses a non-17-keypoint file without kpt_names, naming the file', async () => {
    await put('data.yaml', 'train: images\nkpt_shape: [5, 2]\n');
    await expect(openDatasetImport('yolo', dir)).rejects.toThrow(/data.yaml: kpt_names must list 5/);
  });
});
