/**
 * The annotation-session store (src/renderer/src/annotate/session.svelte.ts) against a small in-memory server that,
 * like the real one, broadcasts a change event after each mutation: a save costs one `annotation.save` and one
 * `sample.get`, bursts coalesce, a conflict stops the chain, undo brings the server's joints back.
 */
import { describe, expect, it } from 'vitest';
import type { Annotation, OpName, OpOutput, PoseLoopEvent } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { ApiClient, type Transport } from '../../../src/renderer/src/api/client';
import { AnnotationSession } from '../../../src/renderer/src/annotate/session.svelte';

type History = OpOutput<'sample.get'>['history'];

/** One RGB sample (4×2 px) with a 3-joint prediction, an unknown skeleton, and its annotation rows. */
function fakeServer(sampleId: number) {
  const calls: OpName[] = [];
  const listeners = new Set<(event: PoseLoopEvent) => void>();
  const revisions: Joint[][] = [];
  const predicted: Joint[] = [1, 2, 3].map((i) => ({
    u: i,
    v: i / 2,
    d: null,
    visibility: 'visible',
    state: 'predicted',
  }));
  let current = 0;
  const history: History = [];
  const annotation = (): Annotation | null =>
    current === 0
      ? null
      : {
          sampleId,
          revision: current,
          status: 'in_progress',
          joints: revisions[current - 1]!,
          annotator: 'me',
          updatedAt: '2026-01-01T00:00:00Z',
          fromPredictionId: null,
          secondsSpent: 1,
        };
  /** Like SSE: the change event reaches the window a little after the operation's reply. */
  const broadcast = () =>
    setTimeout(
      () => listeners.forEach((l) => l({ type: 'changed', project: 'p', topics: ['annotations'] })),
      20,
    );
  const mutate = (joints: Joint[], kind: History[number]['kind']) => {
    revisions.push(joints);
    current = revisions.length;
    history.push({
      id: current,
      revision: current,
      annotator: 'me',
      at: '',
      kind,
      jointsChanged: [0],
      undone: false,
    });
    broadcast();
    return annotation();
  };
  const handlers: Partial<Record<OpName, (input: never) => unknown>> = {
    'sample.get': () => ({
      sample: {
        id: sampleId,
        datasetId: 1,
        imagePath: 'a.png',
        modality: 'rgb',
        width: 4,
        height: 2,
        split: 'pool',
        box: null,
        annotationStatus: null,
      },
      skeleton: 'unknown-3',
      intrinsics: null,
      annotation: annotation(),
      history: history.map((h) => ({ ...h })),
    }),
    'prediction.get': () => ({
      id: 7,
      roundId: 1,
      passes: 2,
      joints: [1, 2, 3].map((i) => ({ u: i, v: i / 2, d: 0, stdPx: i, stdMm: 0, aleatoricPx: null })),
      loglik: null,
      details: null,
    }),
    'sample.image': () => ({
      meta: { width: 4, height: 2, modality: 'rgb', encoding: 'rgba8' },
      bytes: new Uint8Array(4 * 2 * 4),
    }),
    'annotation.save': (input: { joints: Joint[]; baseRevision: number }) => {
      if (input.baseRevision !== current) throw new AppError('conflict', `revision ${current} is newer`);
      return mutate(input.joints, 'edit');
    },
    'annotation.undo': () => {
      const last = history.filter((h) => h.kind === 'edit' && !h.undone).pop();
      if (!last) throw new AppError('conflict', 'nothing to undo');
      last.undone = true;
      // Undoing the first edit goes back to the prediction.
      return mutate(last.revision > 1 ? revisions[last.revision - 2]! : predicted, 'undo');
    },
  };
  const transport: Transport = {
    kind: 'http',
    async call(name, input) {
      calls.push(name);
      await new Promise((resolve) => setTimeout(resolve, 2));
      const handler = handlers[name];
      if (!handler) throw new Error(`no fake for ${name}`);
      return handler(input as never);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  /** Someone else saves a revision. */
  const editElsewhere = () => mutate(revisions[current - 1] ?? [], 'edit');
  return { client: new ApiClient(transport), calls, editElsewhere };
}

async function settled(session: AnnotationSession): Promise<void> {
  const deadline = Date.now() + 5000;
  while (session.pending > 0 || session.scheduled) {
    if (Date.now() > deadline) throw new Error('the session never settled');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Late change events would start a refetch within the coalescing window: wait it out so they are counted.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function open(sampleId: number) {
  const server = fakeServer(sampleId);
  const session = new AnnotationSession(server.client, 'p', sampleId);
  const stop = session.connect();
  await session.load();
  server.calls.length = 0;
  return { ...server, session, stop };
}

const moved = (joints: readonly Joint[], u: number): Joint[] =>
  joints.map((j, i) => (i === 0 ? { ...j, u, state: 'moved' as const } : { ...j }));

describe('annotation session', () => {
  it('loads the sample, the prediction and the image; an unknown skeleton opens with numbered joints', async () => {
    const { session, stop } = await open(101);
    expect(session.layout?.joints).toEqual(['0', '1', '2']);
    expect(session.joints.map((j) => [j.u, j.v, j.d, j.state])).toEqual([
      [1, 0.5, null, 'predicted'],
      [2, 1, null, 'predicted'],
      [3, 1.5, null, 'predicted'],
    ]);
    expect([session.revision, session.ready, session.canUndo]).toEqual([0, true, false]);
    stop();
  });

  it('saves an edit with one save and one refetch of the sample, even with the change event it broadcasts', async () => {
    const { session, calls, stop } = await open(102);
    session.edit(moved(session.joints, 9));
    await settled(session);
    expect(calls).toEqual(['annotation.save', 'sample.get']);
    expect([session.revision, session.canUndo, session.detail?.history.length]).toEqual([1, true, 1]);
    stop();
  });

  it('coalesces a burst of edits into one save', async () => {
    const { session, calls, stop } = await open(103);
    for (const u of [4, 5, 6]) session.edit(moved(session.joints, u), 'soon');
    expect(session.dirty).toBe(true);
    await settled(session);
    expect(calls).toEqual(['annotation.save', 'sample.get']);
    expect(session.joints[0]!.u).toBe(6);
    stop();
  });

  it('bases each save in a chain on the last, and stops at a conflict without overwriting', async () => {
    const { session, calls, editElsewhere, stop } = await open(104);
    session.edit(moved(session.joints, 4));
    session.edit(moved(session.joints, 5));
    await settled(session);
    expect(session.revision).toBe(2);
    editElsewhere();
    calls.length = 0;
    session.edit(moved(session.joints, 6));
    session.edit(moved(session.joints, 7));
    await settled(session);
    expect(session.conflict).toBe('revision 3 is newer');
    expect(calls.filter((c) => c === 'annotation.save')).toHaveLength(1);
    expect(session.ready).toBe(false);
    stop();
  });

  it('undoes to the server’s joints, and says when there is nothing to undo', async () => {
    const { session, calls, stop } = await open(105);
    session.edit(moved(session.joints, 9));
    await settled(session);
    calls.length = 0;
    expect(await session.undoRedo('undo')).toBe('applied');
    expect(session.joints[0]).toMatchObject({ u: 1, state: 'predicted' });
    expect(session.revision).toBe(2);
    expect(await session.undoRedo('undo')).toBe('nothing');
    await settled(session);
    expect(calls.filter((c) => c === 'sample.get')).toHaveLength(2);
    stop();
  });
});
