/**
 * One open sample as a store: what was loaded, the working joints, the revision the next save is based on, and the
 * save chain. Saves run one after another (each based on the last); a conflict stops them, nothing is overwritten.
 * After each change the sample (its history) is fetched once: the change event our own save broadcasts lands in
 * the same coalescing window, so a save costs one `annotation.save` and one `sample.get`.
 */
import type { ApiClient } from '../api/client';
import type { Annotation, OpOutput, PredictionView } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { getSkeleton, type SkeletonLayout } from '@shared/skeletons';
import { loadImage } from '../lib/thumbs';
import type { SourceImage } from '../lib/depth';
import { cameraFor, type CameraGuess, type PersonBox } from '../lib/pose';
import { initialJoints, unknownLayout } from './defaults';

export type SampleDetail = OpOutput<'sample.get'>;
export type AnnotationStatus = Annotation['status'];
/** How an undo / redo ended: applied, nothing left to undo / redo, or failed (see `error` / `conflict`). */
export type UndoOutcome = 'applied' | 'nothing' | 'failed';

/** Edits within this window (key repeats, wheel) become one saved edit. */
const COALESCE_MS = 500;
/** Our save's response and the change event it broadcasts arrive within this window: one refetch serves both. */
const REFRESH_MS = 150;

export class AnnotationSession {
  detail = $state<SampleDetail | null>(null);
  prediction = $state.raw<PredictionView | null>(null);
  image = $state.raw<SourceImage | null>(null);
  layout = $state.raw<SkeletonLayout | null>(null);
  /** Depth samples only: the camera for millimetres and the 3D view. */
  camera = $state.raw<CameraGuess | null>(null);
  loadError = $state<string | null>(null);
  /** An RGB sample without any suggestion is asking the pretrained model for one. */
  suggesting = $state(false);

  joints = $state<Joint[]>([]);
  /** The revision our next save is based on (0 = no annotation row). */
  revision = $state(0);
  status = $state<AnnotationStatus>('in_progress');
  /** Set when the server refused a save because the image changed elsewhere; saving stops until a reload. */
  conflict = $state<string | null>(null);
  error = $state<string | null>(null);
  /** Saves, undos and their history refresh still in flight. */
  pending = $state(0);
  /** An edit waits in the coalescing window. */
  scheduled = $state(false);

  /** A test-split sample measures the model: it opens read-only until the annotator chooses to edit it anyway. */
  unlocked = $state(false);

  readonly isDepth = $derived(this.image?.kind === 'depth');
  readonly readOnly = $derived(this.detail?.sample.split === 'test' && !this.unlocked);
  readonly dirty = $derived(this.pending > 0 || this.scheduled);
  readonly ready = $derived(!!this.image && !this.loadError && !this.conflict);
  readonly canUndo = $derived(!!this.detail?.history.some((h) => h.kind === 'edit' && !h.undone));
  readonly canRedo = $derived(!!this.detail?.history.some((h) => h.kind === 'edit' && h.undone));

  private chain: Promise<void> = Promise.resolve();
  private commitTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshWaiters: (() => void)[] = [];
  private baseSeconds = 0;
  private openedAt = performance.now();

  constructor(
    readonly client: ApiClient,
    readonly project: string,
    readonly sampleId: number,
  ) {}

  /** The prediction the joints were filled from: sent with the next save, so the label records it. */
  startedFrom: number | null = null;

  async load(): Promise<void> {
    this.loadError = null;
    this.conflict = null;
    this.error = null;
    const { client, project, sampleId } = this;
    try {
      const [d, p, img] = await Promise.all([
        client.call('sample.get', { project, sampleId }),
        client.call('prediction.get', { project, sampleId }).catch(() => null),
        loadImage(client, project, sampleId),
      ]);
      let layout: SkeletonLayout;
      try {
        layout = getSkeleton(d.skeleton);
      } catch {
        layout = unknownLayout(d.skeleton, d.annotation?.joints.length ?? p?.joints.length ?? 0);
      }
      this.layout = layout;
      this.prediction = p;
      this.image = img;
      this.camera = img.kind === 'depth' ? cameraFor(d.intrinsics, img.width, img.height) : null;
      this.detail = d;
      this.applyServer(d.annotation);
      this.baseSeconds = d.annotation?.secondsSpent ?? 0;
      this.openedAt = performance.now();
      if ((!p || p.pretrainedScoresHigher) && d.sample.split !== 'test') void this.suggestPretrained();
    } catch (e) {
      this.loadError = (e as Error).message;
    }
  }

  /**
   * From the first image on: a sample that no model has seen yet, or whose project model a shipped pretrained model
   * beats on the test split, gets the pretrained model’s suggestion (a few seconds in a worker). It replaces the
   * editor's joints only while nothing was moved, placed or saved since they were filled.
   */
  private async suggestPretrained(): Promise<void> {
    const { client, project, sampleId } = this;
    const filled = JSON.stringify(this.joints);
    this.suggesting = true;
    try {
      await client.call('model.zeroShot', { project, sampleIds: [sampleId], split: 'all', model: 'thunder' });
      const p = await client.call('prediction.get', { project, sampleId });
      if (!p || this.sampleId !== sampleId) return;
      this.prediction = p;
      const untouched = this.revision === 0 && this.pending === 0 && JSON.stringify(this.joints) === filled;
      if (untouched) this.applyServer(null);
    } catch {
      // No box to crop, or the model is not installed: the editor simply starts empty, as before.
    } finally {
      this.suggesting = false;
    }
  }

  /** Waits for the saves in flight, then loads the sample afresh (after a conflict or a failed load). */
  async reload(): Promise<void> {
    await this.chain.catch(() => {});
    await this.load();
  }

  /** Follows other windows and annotators; returns the function that stops (and drops waiting timers). */
  connect(): () => void {
    const off = this.client.subscribe((event) => {
      if (event.type !== 'changed' || (event.project !== null && event.project !== this.project)) return;
      if (event.topics.includes('annotations')) void this.refreshSoon();
    });
    return () => {
      off();
      clearTimeout(this.refreshTimer);
      clearTimeout(this.commitTimer);
      for (const resolve of this.refreshWaiters.splice(0)) resolve();
    };
  }

  /** Replaces the working joints and saves them: now, or `soon` (bursts coalesce into one edit). */
  edit(joints: Joint[], when: 'now' | 'soon' = 'now'): void {
    if (this.readOnly) return;
    this.joints = joints;
    if (when === 'now') void this.commit();
    else this.commitSoon();
  }

  /** Saves the current joints as one edit, after any save in flight (each save is based on the last one). */
  commit(nextStatus?: AnnotationStatus): Promise<void> {
    this.cancelScheduled();
    // A drag on a read-only sample moved the joints on screen only: put them back.
    if (this.readOnly) {
      this.applyServer(this.detail?.annotation ?? null);
      return this.chain;
    }
    const { client, project, sampleId } = this;
    const joints = $state.snapshot(this.joints) as Joint[];
    const status = nextStatus ?? this.status;
    const fromPredictionId = this.startedFrom ?? undefined;
    this.startedFrom = null;
    this.pending++;
    this.chain = this.chain.then(async () => {
      let saved = false;
      try {
        if (this.conflict) return;
        const annotation = await client.call('annotation.save', {
          project,
          sampleId,
          joints,
          baseRevision: this.revision,
          status,
          secondsSpent: this.seconds(),
          fromPredictionId,
        });
        this.revision = annotation.revision;
        this.status = annotation.status;
        saved = true;
      } catch (e) {
        this.report(e);
      } finally {
        // The history follows after the save; the chain does not wait for it.
        void (saved ? this.refreshSoon() : Promise.resolve()).finally(() => this.pending--);
      }
    });
    return this.chain;
  }

  /** Saves any coalescing edit and waits until every save has landed. */
  async flush(): Promise<void> {
    if (this.scheduled) await this.commit();
    await this.chain;
  }

  async undoRedo(kind: 'undo' | 'redo'): Promise<UndoOutcome> {
    await this.flush();
    if (this.conflict) return 'failed';
    this.pending++;
    let outcome: UndoOutcome = 'failed';
    try {
      const op = kind === 'undo' ? 'annotation.undo' : 'annotation.redo';
      this.applyServer(await this.client.call(op, { project: this.project, sampleId: this.sampleId }));
      outcome = 'applied';
    } catch (e) {
      if (e instanceof AppError && e.code === 'conflict' && /nothing to (undo|redo)/.test(e.message))
        outcome = 'nothing';
      else this.report(e);
    }
    await this.refreshSoon();
    this.pending--;
    return outcome;
  }

  /** Draws or replaces the person box (RGB); true when saved. */
  async setBox(box: PersonBox): Promise<boolean> {
    try {
      const sample = await this.client.call('sample.setBox', {
        project: this.project,
        sampleId: this.sampleId,
        box,
      });
      if (this.detail) this.detail = { ...this.detail, sample };
      return true;
    } catch (e) {
      this.report(e);
      return false;
    }
  }

  /** Saves (as done, or leaves as is when skipping) and marks the queue row; true when the next image may open. */
  async finish(queueStatus: 'done' | 'skipped'): Promise<boolean> {
    await this.flush();
    if (queueStatus === 'done') await this.commit('done');
    if (this.conflict) return false;
    try {
      await this.client.call('queue.set', {
        project: this.project,
        sampleId: this.sampleId,
        status: queueStatus,
      });
    } catch (e) {
      // An image opened from outside the queue has no queue row: that is fine.
      if (!(e instanceof AppError && e.code === 'not_found')) {
        this.report(e);
        return false;
      }
    }
    return true;
  }

  report(e: unknown): void {
    if (e instanceof AppError && e.code === 'conflict') this.conflict = e.message;
    else this.error = (e as Error).message;
  }

  private applyServer(annotation: Annotation | null): void {
    const n = this.layout?.joints.length ?? this.prediction?.joints.length ?? annotation?.joints.length ?? 0;
    this.joints = initialJoints(n, annotation, this.prediction, this.isDepth);
    this.startedFrom = annotation ? null : (this.prediction?.id ?? null);
    this.revision = annotation?.revision ?? 0;
    this.status = annotation?.status ?? 'in_progress';
  }

  private commitSoon(): void {
    clearTimeout(this.commitTimer);
    this.scheduled = true;
    this.commitTimer = setTimeout(() => void this.commit(), COALESCE_MS);
  }

  private cancelScheduled(): void {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.scheduled = false;
  }

  private seconds(): number {
    return Math.round((this.baseSeconds + (performance.now() - this.openedAt) / 1000) * 10) / 10;
  }

  /** Refetches the sample once after a burst of changes; resolves when that fetch has landed (or failed). */
  private refreshSoon(): Promise<void> {
    clearTimeout(this.refreshTimer);
    const landed = new Promise<void>((resolve) => this.refreshWaiters.push(resolve));
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_MS);
    return landed;
  }

  private async refresh(): Promise<void> {
    this.refreshTimer = undefined;
    const waiters = this.refreshWaiters.splice(0);
    try {
      this.detail = await this.client.call('sample.get', { project: this.project, sampleId: this.sampleId });
    } catch {
      // The next change refreshes it.
    } finally {
      for (const resolve of waiters) resolve();
    }
  }
}
