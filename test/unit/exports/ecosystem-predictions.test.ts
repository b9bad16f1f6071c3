import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectImport, openDatasetImport } from '../../../src/main/datasets/node';
import {
  type ExportContext,
  type ExportPlan,
  type ExportSample,
  planCocoResults,
  planExport,
  planLabelStudio,
  planSleap,
} from '../../../src/main/exports';
import { writeExport } from '../../../src/main/exports/node';
import type { Joint } from '../../../src/shared/domain';
import { COCO17 } from '../../../src/shared/skeletons';
import { tempDir } from '../../helpers/tmp';
import { writeJpeg } from '../datasets/rgb-fixtures';

/**
 * Predictions go out as each tool's predictions (SLEAP predicted instances, Label Studio `predictions`, COCO
 * results) and come back as imported predictions of the same sample, never as labels.
 */
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('poseloop-pred-')));
afterEach(() => cleanup());

const joints: Joint[] = COCO17.joints.map((_, k) => ({
  u: 10 + k,
  v: 20 + k / 2,
  d: null,
  visibility: k === 4 ? 'occluded' : 'visible',
  state: 'accepted',
}));

function sample(root: string): { sample: ExportSample; context: ExportContext } {
  const mean = COCO17.joints.flatMap((_, k) => [11 + k, 21 + k / 2, 0]);
  // σ = 3 px on joint 0 (confidence 1/4), 0 elsewhere (confidence 1).
  const std = COCO17.joints.flatMap((_, k) => (k === 0 ? [3, 3, 0] : [0, 0, 0]));
  const sample: ExportSample = {
    sampleId: 5,
    datasetId: 1,
    sourceKey: 'a.jpg#0',
    imagePath: 'a.jpg',
    modality: 'rgb',
    width: 64,
    height: 48,
    split: 'train',
    box: null,
    joints,
    exportedState: 'current',
    annotation: null,
    annotators: [],
    historyRows: 0,
    edits: 0,
    selection: null,
    checkpoint: null,
    prediction: {
      id: 9,
      roundId: 2,
      checkpointId: 3,
      passes: 8,
      createdAt: '2026-01-01T00:00:00Z',
      scores: null,
      mean,
      std,
    },
  };
  const context: ExportContext = {
    format: 'sleap',
    skeleton: COCO17,
    datasets: new Map([[1, { id: 1, name: 'people', format: 'coco', root, intrinsics: null, cubeMm: null }]]),
    project: { name: 'p', path: '/p' },
    appVersion: '0',
    createdAt: '2026-01-02T00:00:00Z',
    filters: {},
  };
  return { sample, context };
}

function textOf(plan: ExportPlan): string {
  const [file] = plan.files;
  if (!file || !('text' in file)) throw new Error('expected a text file');
  return file.text;
}

async function write(out: string, context: ExportContext, samples: ExportSample[]) {
  await writeExport(out, planExport(samples, context), {
    force: false,
    readImage: () => Promise.reject(new Error('no images')),
    manifest: () => '{}',
  });
}

describe('predictions in the peer formats', () => {
  it('COCO results: per-joint confidence 1 / (1 + σ) and their mean as score, image_id = sample id', () => {
    const { sample: s, context } = sample(dir);
    const [result] = JSON.parse(textOf(planCocoResults([s], context))) as {
      image_id: number;
      keypoints: number[];
      score: number;
    }[];
    expect(result!.image_id).toBe(5);
    expect(result!.keypoints.slice(0, 6)).toEqual([11, 21, 0.25, 12, 21.5, 1]);
    expect(result!.score).toBeCloseTo((0.25 + 16) / 17, 12);
  });

  it('SLEAP: the prediction is a predicted instance, imported back as a prediction, the label as a label', async () => {
    const { sample: s, context } = sample(dir);
    await writeJpeg(join(dir, 'a.jpg'), 64, 48);
    expect(planSleap([s], context).samples).toBe(1);
    await write(join(dir, 'out.slp'), context, [s]);
    const run = await openDatasetImport('sleap', dir);
    const records = await collectImport(run);
    expect(run.counts.skippedByReason).toEqual({});
    expect(records).toHaveLength(1);
    expect(records[0]!.joints!.map((j) => [j.u, j.v, j.visibility])).toEqual(
      joints.map((j) => [j.u, j.v, j.visibility]),
    );
    const [prediction] = run.predictions;
    expect(run.predictions).toHaveLength(1);
    expect(prediction!.key).toBe(records[0]!.key);
    expect(prediction!.joints.map((j) => [j.u, j.v])).toEqual(
      COCO17.joints.map((_, k) => [11 + k, 21 + k / 2]),
    );
    // Per-point scores are the exported confidences: 1 / (1 + 3) for joint 0, 1 elsewhere.
    expect(prediction!.scores.slice(0, 3)).toEqual([0.25, 1, 1]);
    expect(prediction!.score).toBeCloseTo((0.25 + 16) / 17, 6);
  });

  it('Label Studio: predictions with model version and score, imported back as the sample’s prediction', async () => {
    const { sample: s, context } = sample(dir);
    // The label file alone (images: false): it names a.jpg by its path in the dataset, written beside it here.
    const plan = planLabelStudio([s], { ...context, format: 'labelstudio', images: false });
    const [task] = JSON.parse(textOf(plan)) as {
      predictions: { model_version: string; score: number; result: { type: string }[] }[];
    }[];
    expect(task!.predictions[0]!.model_version).toBe('checkpoint 3');
    expect(task!.predictions[0]!.result.filter((r) => r.type === 'keypointlabels')).toHaveLength(17);
    await writeJpeg(join(dir, 'a.jpg'), 64, 48);
    await writeFile(join(dir, 'tasks.json'), textOf(plan));
    const run = await openDatasetImport('labelstudio', dir);
    const records = await collectImport(run);
    expect(run.counts.skippedByReason).toEqual({});
    expect(records).toHaveLength(1);
    expect(records[0]!.joints![4]).toMatchObject({ u: 14, v: 22, visibility: 'occluded' });
    expect(run.predictions).toHaveLength(1);
    const [prediction] = run.predictions;
    expect(prediction!.key).toBe(records[0]!.key);
    expect(prediction!.joints[16]).toMatchObject({ u: 27, v: 29, visibility: 'visible' });
    expect(prediction!.scores[0]).toBeCloseTo(0.25, 6);
    expect(prediction!.score).toBe(task!.predictions[0]!.score);
  });
});
