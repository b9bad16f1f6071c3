import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '../../../src/main/app';
import type { Joint } from '../../../src/shared/domain';

export const as = (annotator: string) => ({ annotator });

export interface DemoEdits {
  /** A seed (train) sample re-annotated: joint 2 occluded, joint 5 moved. Done, by x. */
  corrected: number;
  /** A pool sample labelled from its hidden labels with joint 9 absent. Done, by x. */
  withAbsent: number;
  /** A pool sample saved in progress by y (not exported unless status = all). */
  inProgress: number;
  /** A seed sample finished, then reopened in progress by y: exported as its last done state. */
  reopened: number;
}

/** The tiny demo project with a few annotations made through the app (occluded, moved, absent, unfinished). */
export async function demoWithEdits(app: App, project: string): Promise<DemoEdits> {
  await app.call('project.init', { dir: project, demo: true, demoSize: 'tiny' }, as('lead'));
  const { store } = app.deps.projects.get(project);
  const [seedA, seedB] = store.sampleIds('train');
  const [poolA, poolB] = store.sampleIds('pool');

  const current = store.annotations.get(seedA!)!;
  const corrected: Joint[] = current.joints.map((joint, j) =>
    j === 2
      ? { ...joint, visibility: 'occluded' }
      : j === 5
        ? { ...joint, u: joint.u! + 1.5, v: joint.v! - 0.25, state: 'moved' }
        : joint,
  );
  await app.call(
    'annotation.save',
    {
      project,
      sampleId: seedA!,
      joints: corrected,
      baseRevision: current.revision,
      status: 'done',
      secondsSpent: 7,
    },
    as('x'),
  );

  const truth = store.groundTruth(poolA!)!;
  const absent: Joint[] = truth.map((joint, j) =>
    j === 9 ? { u: null, v: null, d: null, visibility: 'absent', state: 'accepted' } : joint,
  );
  await app.call(
    'annotation.save',
    { project, sampleId: poolA!, joints: absent, baseRevision: 0, status: 'done', secondsSpent: 3 },
    as('x'),
  );

  await app.call(
    'annotation.save',
    { project, sampleId: poolB!, joints: store.groundTruth(poolB!)!, baseRevision: 0, status: 'in_progress' },
    as('y'),
  );

  const before = store.annotations.get(seedB!)!;
  const moved = before.joints.map((joint) => ({ ...joint, u: joint.u! + 3, state: 'moved' as const }));
  await app.call(
    'annotation.save',
    { project, sampleId: seedB!, joints: moved, baseRevision: before.revision, status: 'in_progress' },
    as('y'),
  );
  return { corrected: seedA!, withAbsent: poolA!, inProgress: poolB!, reopened: seedB! };
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** sampleId → export image path, from a folder export's provenance.json or generic manifest. */
export async function exportedPaths(folder: string, file = 'provenance.json'): Promise<Map<number, string>> {
  const doc = await readJson<{
    samples?: { sampleId: number; image: string }[];
    frames?: { sampleId: number; image: string }[];
  }>(join(folder, file));
  return new Map((doc.samples ?? doc.frames ?? []).map((entry) => [entry.sampleId, entry.image]));
}

/** All samples of a project with their annotation joints, keyed by image path. */
export function samplesByPath(app: App, project: string) {
  const { store } = app.deps.projects.get(project);
  const result = new Map<string, { id: number; split: string; joints: Joint[] | null }>();
  for (const sample of store.listSamples({ after: 0, limit: 100_000 })) {
    result.set(sample.imagePath, {
      id: sample.id,
      split: sample.split,
      joints: store.annotations.get(sample.id)?.joints ?? null,
    });
  }
  return result;
}
