import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { MPII16 } from '../../src/shared/skeletons';
import type { App, Caller } from '../../src/main/app';

/**
 * An RGB (MPII16) project built without the learner: PNG stick figures with a COCO keypoints file, imported through
 * the app, plus a finished round whose predictions (with VL4Pose details) and ranking are written straight into the
 * project store, as a round would leave them.
 */

export const WIDTH = 320;
export const HEIGHT = 240;

type Point = { u: number; v: number };

/** A standing person facing the camera (MPII16 order), centred at x = cx. The person's left is the image's right. */
export function figure(cx: number): Point[] {
  const at = (du: number, v: number) => ({ u: cx + du, v });
  return [
    at(0, 40), // head_top
    at(0, 70), // neck
    at(22, 78), // l_shoulder
    at(40, 110), // l_elbow
    at(70, 112), // l_wrist (raised: the prediction misses it, the refinement finds it)
    at(-22, 78), // r_shoulder
    at(-38, 112), // r_elbow
    at(-45, 145), // r_wrist
    at(14, 142), // l_hip
    at(18, 180), // l_knee
    at(20, 218), // l_ankle
    at(-14, 142), // r_hip
    at(-18, 180), // r_knee
    at(-20, 218), // r_ankle
    at(0, 140), // pelvis
    at(0, 80), // thorax
  ];
}

/** The joint whose prediction is off and where the refinement puts it back. */
export const REFINED_JOINT = 4;
export const AMBIGUOUS_JOINT = 7;

/** Where the model predicts each joint: the figure, a little off, with the raised wrist predicted low. */
export function predictedFigure(cx: number): Point[] {
  return figure(cx).map((p, j) =>
    j === REFINED_JOINT ? { u: cx + 62, v: 130 } : { u: p.u + ((j % 3) - 1) * 2, v: p.v + ((j % 2) * 2 - 1) },
  );
}

/** The figure's box [x, y, w, h] with a margin. */
export function figureBox(cx: number): [number, number, number, number] {
  return [cx - 60, 25, 140, 205];
}

/** A PNG (RGB, 8 bit) of the figure on a vertical gradient. */
function figurePng(cx: number, shade: number): Uint8Array {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      data[i] = 120 + shade + (y >> 2);
      data[i + 1] = 150 + (y >> 3);
      data[i + 2] = 190 - (y >> 2);
    }
  const paint = (x: number, y: number, rgb: readonly number[]) => {
    if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) return;
    data.set(rgb, (y * WIDTH + x) * 3);
  };
  const joints = figure(cx);
  const limb = [60, 64, 90];
  for (const [a, b] of MPII16.edges) {
    const p = joints[a]!;
    const q = joints[b]!;
    const steps = Math.ceil(Math.hypot(q.u - p.u, q.v - p.v));
    for (let s = 0; s <= steps; s++) {
      const u = p.u + ((q.u - p.u) * s) / Math.max(1, steps);
      const v = p.v + ((q.v - p.v) * s) / Math.max(1, steps);
      for (let dy = -3; dy <= 3; dy++)
        for (let dx = -3; dx <= 3; dx++)
          if (dx * dx + dy * dy <= 10) paint(Math.round(u) + dx, Math.round(v) + dy, limb);
    }
  }
  const head = { u: cx, v: 54 };
  for (let dy = -14; dy <= 14; dy++)
    for (let dx = -12; dx <= 12; dx++)
      if ((dx / 12) ** 2 + (dy / 14) ** 2 <= 1) paint(head.u + dx, head.v + dy, [224, 182, 150]);
  return encode({ width: WIDTH, height: HEIGHT, data, channels: 3, depth: 8 });
}

interface Person {
  file: string;
  cx: number;
  /** Write the keypoints as labels (train) or leave the person unlabelled (pool). */
  labelled: boolean;
  /** Give the COCO bbox; without it (and without labels) the sample has no person box. */
  withBox: boolean;
}

/** Writes a COCO keypoints folder (MPII16 joint names as the category's keypoints) with one PNG per person. */
export function writeCocoFolder(root: string, people: readonly Person[]): void {
  mkdirSync(root, { recursive: true });
  const images = people.map((p, i) => ({ id: i + 1, file_name: p.file, width: WIDTH, height: HEIGHT }));
  const annotations = people.map((p, i) => ({
    id: 100 + i,
    image_id: i + 1,
    category_id: 1,
    iscrowd: 0,
    ...(p.labelled
      ? { keypoints: figure(p.cx).flatMap((j) => [j.u, j.v, 2]), num_keypoints: MPII16.joints.length }
      : {}),
    ...(p.withBox ? { bbox: figureBox(p.cx) } : {}),
  }));
  people.forEach((p, i) => writeFileSync(join(root, p.file), figurePng(p.cx, i * 12)));
  writeFileSync(
    join(root, 'person_keypoints.json'),
    JSON.stringify({
      images,
      annotations,
      categories: [{ id: 1, name: 'person', supercategory: 'person', keypoints: [...MPII16.joints] }],
    }),
  );
}

export interface RgbProject {
  project: string;
  /** Pool samples in the queue, best-ranked first, with the figure's centre. */
  queued: { sampleId: number; cx: number }[];
  /** A pool sample without a person box (and without a prediction). */
  boxless: number;
}

/**
 * Creates the project through the app (`project.init`, skeleton mpii16), imports labelled people into the
 * labelled set and unlabelled ones into the pool (COCO), then stores a finished VL4Pose round over the pool.
 */
export async function buildRgbProject(app: App, dir: string, caller: Caller): Promise<RgbProject> {
  const info = await app.call('project.init', { dir: join(dir, 'people'), skeleton: 'mpii16' }, caller);
  const project = info.path;
  const labelledRoot = join(dir, 'coco-labelled');
  const poolRoot = join(dir, 'coco-pool');
  writeCocoFolder(labelledRoot, [
    { file: 't1.png', cx: 150, labelled: true, withBox: true },
    { file: 't2.png', cx: 170, labelled: true, withBox: true },
  ]);
  const poolPeople = [
    { file: 'p1.png', cx: 140, labelled: false, withBox: true },
    { file: 'p2.png', cx: 160, labelled: false, withBox: true },
    { file: 'p3.png', cx: 180, labelled: false, withBox: true },
    { file: 'p4.png', cx: 150, labelled: false, withBox: false },
  ];
  writeCocoFolder(poolRoot, poolPeople);
  await app.call('dataset.import', { project, format: 'coco', root: labelledRoot, split: 'train' }, caller);
  await app.call('dataset.import', { project, format: 'coco', root: poolRoot, split: 'pool' }, caller);

  const store = app.deps.projects.get(project).store;
  const pool = (await app.call('samples.list', { project, split: 'pool' }, caller)).items;
  const centreOf = (imagePath: string) => poolPeople.find((p) => imagePath.endsWith(p.file))!.cx;
  const boxed = pool.filter((s) => s.box !== null);
  const boxless = pool.find((s) => s.box === null);
  if (boxed.length !== 3 || !boxless)
    throw new Error(`unexpected pool after import: ${JSON.stringify(pool)}`);

  const config = {
    sampler: 'vl4pose',
    budget: boxed.length,
    subset: 1,
    mc: 8,
    eta: 0.3,
    preset: 'fast',
    variant: 'A',
    seed: 1,
  };
  const round = store.rounds.create({
    owner: 'test fixture',
    sampler: 'vl4pose',
    budget: boxed.length,
    config,
    labelledSampleIds: store.sampleIds('train'),
  });
  const checkpointId = store.checkpoints.add({
    roundId: round.id,
    path: join(project, 'models', 'e2e-none.json'),
    config: { model: 'hourglass' },
    backend: 'test-backend',
    metrics: {},
  });
  const joints = MPII16.joints.length;
  const xyz = (values: (j: number) => [number, number, number]) =>
    Float32Array.from({ length: joints * 3 }, (_, k) => values(Math.floor(k / 3))[k % 3]!);
  store.predictions.put(
    round.id,
    checkpointId,
    config.mc,
    boxed.map((s, rank) => {
      const cx = centreOf(s.imagePath);
      const predicted = predictedFigure(cx);
      const truth = figure(cx);
      return {
        sampleId: s.id,
        // RGB predictions carry d = 0 and no depth spread.
        mean: xyz((j) => [predicted[j]!.u, predicted[j]!.v, 0]),
        std: xyz((j) => [1 + (j % 5) * 0.6, 1 + (j % 4) * 0.5, 0]),
        aleatoric: xyz((j) => [(2 + (j % 3)) ** 2, (2 + (j % 3)) ** 2, 0]),
        loglik: -20 + rank,
        details: {
          refined: truth.map((p, j) => (j === REFINED_JOINT ? p : null)),
          links: MPII16.edges.map(([parent, child], i) => ({ parent, child, loglik: -0.5 - ((i * 7) % 15) })),
          ambiguous: [{ joint: AMBIGUOUS_JOINT, ratio: 0.82 }],
        },
      };
    }),
  );
  store.queue.putRanking(
    round.id,
    boxed.map((s, rank) => ({
      sampleId: s.id,
      score: 20 - rank,
      reason: { kind: 'vl4pose', loglik: -20 + rank, sentence: `skeleton log-likelihood ${-20 + rank}` },
    })),
  );
  store.rounds.setStage(round.id, 'done', { metrics: { testPckh: 0.41 } });
  return {
    project,
    queued: boxed.map((s) => ({ sampleId: s.id, cx: centreOf(s.imagePath) })),
    boxless: boxless.id,
  };
}
