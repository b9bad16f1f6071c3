import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pointPredictionRow } from '../../../src/main/loop';
import type { Joint } from '../../../src/shared/domain';
import { demoSuite } from '../../helpers/app';

const lead = { annotator: 'lead' };
const L_SHOULDER = 2;
const R_SHOULDER = 5;

type Point = { u: number; v: number } | null;

const placed = (joint: Joint): joint is Joint & { u: number; v: number } =>
  joint.u !== null && joint.v !== null && joint.visibility !== 'absent';

/** A label moved by (du, dv) px; joints the label does not place stay unsuggested. */
const shifted = (label: readonly Joint[], du: number, dv: number): Point[] =>
  label.map((joint) => (placed(joint) ? { u: joint.u + du, v: joint.v + dv } : null));

/** A stored row of a project model: the points, depth 0, ring σ `sigmaPx` on every joint. */
function modelRow(sampleId: number, points: readonly Point[], sigmaPx: number) {
  const mean = new Float32Array(points.length * 3);
  points.forEach((p, j) => mean.set(p ? [p.u, p.v, 0] : [Number.NaN, Number.NaN, 0], j * 3));
  const std = new Float32Array(points.length * 3).map((_, k) => (k % 3 === 0 ? sigmaPx : 0));
  return { sampleId, mean, std, aleatoric: null, loglik: null, details: null };
}

/** Image-plane errors of the suggested points against the label's placed joints; unsuggested ones are missing. */
function errorsOf(label: readonly Joint[], points: readonly Point[]): { errors: number[]; missing: number } {
  const errors: number[] = [];
  let missing = 0;
  label.forEach((joint, j) => {
    if (!placed(joint)) return;
    const p = points[j];
    if (p) errors.push(Math.hypot(p.u - joint.u, p.v - joint.v));
    else missing++;
  });
  return { errors, missing };
}

const share = (values: number[], inside: (value: number) => boolean) =>
  values.filter(inside).length / values.length;

/**
 * `suggestions.evaluate` on the tiny RGB demo: the pool's suggestions (written into the store as a model would leave
 * them) are scored against the hidden oracle labels with the annotate view's choice between the project's model and
 * a better-scoring pretrained one; the test split against its imported labels; annotators may not call it.
 */
describe('suggestions.evaluate', () => {
  const suite = demoSuite({ name: 'people', skeleton: 'mpii16', timeout: 240_000 });
  const { project } = suite;

  it('reports nothing scored before any suggestion exists', async () => {
    const result = await suite.app.call('suggestions.evaluate', { project }, lead);
    expect(result).toMatchObject({
      modality: 'rgb',
      split: 'pool',
      samples: 60,
      scoredSamples: 0,
      withoutSuggestion: 60,
      joints: 0,
      medianErrorPx: null,
      within10Px: null,
      sigma: null,
      pckh: null,
      pckhIgnoringSides: null,
      collapsedShoulders: { images: 0, collapsed: 0, share: null },
      sources: [],
    });
  });

  it('scores the shown suggestion of every pool image against the hidden labels', async () => {
    const { store } = suite.app.deps.projects.get(project);
    const pool = store.sampleIds('pool');
    const truth = pool.map((id) => store.groundTruth(id)!);
    // The project's model: every joint 5 px off (σ 6 px), the first six images with both shoulders on one point.
    const own = truth.map((label, i) => {
      const points = shifted(label, 3, 4);
      if (i < 6) points[R_SHOULDER] = points[L_SHOULDER]!;
      return points;
    });
    const model = store.checkpoints.add({
      roundId: null,
      path: join(project, 'models', 'test-model.json'),
      config: { model: 'hourglass' },
      backend: 'test',
      metrics: {},
    });
    store.predictions.put(
      null,
      model,
      8,
      own.map((points, i) => modelRow(pool[i]!, points, 6)),
    );
    // A pretrained detector scored on the test split (the project's model has no score) on the last ten: 20 px off.
    const detector = store.checkpoints.pretrained('test-detector', { label: 'Test detector' }, 'test');
    store.checkpoints.setMetrics(detector.id, { testPckh: 0.9 });
    const detected = truth.slice(50).map((label) => shifted(label, 0, 20));
    store.predictions.put(
      null,
      detector.id,
      1,
      detected.map((points, i) => pointPredictionRow(pool[50 + i]!, points)),
    );

    const result = await suite.app.call('suggestions.evaluate', { project, split: 'pool' }, lead);
    if (result.modality !== 'rgb') throw new Error('expected a people result');
    const shown = [...own.slice(0, 50), ...detected];
    const measured = truth.map((label, i) => errorsOf(label, shown[i]!));
    const errors = measured.flatMap((m) => m.errors);
    const withSigma = measured.slice(0, 50).flatMap((m) => m.errors);
    const collapsed = shown.filter((points) => {
      const [l, r] = [points[L_SHOULDER], points[R_SHOULDER]];
      return l && r && Math.hypot(l.u - r.u, l.v - r.v) <= 2;
    }).length;

    expect(result).toMatchObject({ samples: 60, scoredSamples: 60, withoutSuggestion: 0, withoutLabel: 0 });
    expect(result.sources).toEqual([
      { kind: 'project', label: `model #${model}`, samples: 50 },
      { kind: 'pretrained', label: 'Test detector', samples: 10 },
    ]);
    expect(result.joints).toBe(errors.length);
    expect(result.missingJoints).toBe(measured.reduce((sum, m) => sum + m.missing, 0));
    expect(result.medianErrorPx).toBeCloseTo(5, 4);
    expect(result.within10Px).toBeCloseTo(
      share(errors, (e) => e <= 10),
      10,
    );
    expect(result.within10Px).toBeLessThan(1);
    // Only the project model's joints carry σ (the detector has none): 5 px errors inside 6 px, collapsed ones not.
    expect(result.sigma!.joints).toBe(withSigma.length);
    expect(result.sigma!.within1Sigma).toBeCloseTo(
      share(withSigma, (e) => e < 6),
      10,
    );
    expect(result.sigma!.within2Sigma).toBeCloseTo(
      share(withSigma, (e) => e < 12),
      10,
    );
    expect(result.collapsedShoulders).toEqual({ images: 60, collapsed, share: collapsed / 60 });
    expect(collapsed).toBeGreaterThanOrEqual(6);
    expect(result.pckh).toBeGreaterThan(0);
    expect(result.pckh).toBeLessThan(1);
  });

  it('scores the test split against its imported labels: an exact suggestion has PCKh 1', async () => {
    const { store } = suite.app.deps.projects.get(project);
    const test = store.sampleIds('test');
    const model = store.checkpoints.latest()!.id;
    const labels = test.map((id) => store.annotations.labelOf(id, 'exclude')!);
    store.predictions.put(
      null,
      model,
      8,
      labels.map((label, i) => modelRow(test[i]!, shifted(label, 0, 0), 1)),
    );
    const result = await suite.app.call('suggestions.evaluate', { project, split: 'test' }, lead);
    if (result.modality !== 'rgb') throw new Error('expected a people result');
    expect(result).toMatchObject({
      samples: 24,
      scoredSamples: 24,
      within10Px: 1,
      pckh: 1,
      pckhIgnoringSides: 1,
      missingJoints: 0,
      sigma: { within1Sigma: 1, within2Sigma: 1 },
    });
    expect(result.medianErrorPx).toBeCloseTo(0, 4); // float32 storage
    expect(result.joints).toBe(labels.flatMap((label) => label.filter(placed)).length);
  });

  it('is the lead’s: an annotator account is refused', async () => {
    await expect(
      (async () =>
        suite.app.call('suggestions.evaluate', { project }, { annotator: 'ann', role: 'annotator' }))(),
    ).rejects.toThrow(/needs a lead account/);
  });
});

/**
 * Depth hands: the same operation adds the 3-D error (mm) through the dataset's camera. Suggestions at the labelled
 * pixel but 10 mm too deep are 0 px off and 10·√(((u − cx)/fx)² + ((v − cy)/fy)² + 1) mm off.
 */
describe('suggestions.evaluate on depth hands', () => {
  const suite = demoSuite({ name: 'hands', skeleton: 'hand21', timeout: 240_000 });
  const { project } = suite;

  it('reports the 3-D error in mm beside the image-plane error', async () => {
    const { store } = suite.app.deps.projects.get(project);
    const pool = store.sampleIds('pool');
    const truth = pool.map((id) => store.groundTruth(id)!);
    const model = store.checkpoints.add({
      roundId: null,
      path: join(project, 'models', 'test-model.json'),
      config: { model: 'deepprior' },
      backend: 'test',
      metrics: {},
    });
    const rows = truth.map((label, i) => {
      const row = modelRow(pool[i]!, shifted(label, 0, 0), 4);
      label.forEach((joint, j) => row.mean.set([joint.d! + 10], j * 3 + 2));
      return row;
    });
    store.predictions.put(null, model, 8, rows);
    const { intrinsics } = await suite.app.call('sample.get', { project, sampleId: pool[0]! }, lead);
    const { fx, fy, cx, cy } = intrinsics!;
    const expected = truth.flatMap((label) =>
      label.filter(placed).map((j) => 10 * Math.hypot((j.u - cx) / fx, (j.v - cy) / fy, 1)),
    );

    const result = await suite.app.call('suggestions.evaluate', { project }, lead);
    if (result.modality !== 'depth') throw new Error('expected a depth result');
    expect(result).toMatchObject({ samples: pool.length, scoredSamples: pool.length, within10Px: 1 });
    expect(result.joints).toBe(expected.length);
    expect(result.medianErrorPx).toBeCloseTo(0, 3);
    expect(result.meanErrorMm).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / expected.length, 3);
    const sorted = expected.sort((a, b) => a - b);
    const middle = sorted.length / 2;
    expect(result.medianErrorMm).toBeCloseTo(
      sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2,
      3,
    );
    expect(result.sources).toEqual([{ kind: 'project', label: `model #${model}`, samples: pool.length }]);
  }, 60_000);
});
