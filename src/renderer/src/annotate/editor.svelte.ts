/**
 * The annotate view's working state on top of the session: the selected joint, the depth window, τ, the box tool
 * and the toast, and each edit as "apply the pure edit, then save". The keyboard commands and the panels call these.
 */
import type { Joint } from '@shared/domain';
import { depthAt } from '../lib/depth';
import { href } from '../lib/route.svelte';
import {
  boneLengths,
  boxAround,
  isPlaced,
  jointsFromPrediction,
  leastLikelyLinks,
  pendingSuggestions,
  uncertaintyOrder,
  type PersonBox,
  type PoseGesture,
  type WarnedLink,
} from '../lib/pose';
import * as edits from './edits';
import { defaultTau, depthWindow, fitJoints, tauCeiling } from './defaults';
import type { AnnotationSession } from './session.svelte';
import type { ViewPrefs } from './prefs.svelte';

/** What the editor needs of the 2D canvas. */
export interface CanvasHandle {
  reveal(u: number, v: number): void;
  fit(mode: 'pose' | 'image'): void;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export class AnnotationEditor {
  readonly s: AnnotationSession;
  readonly prefs: ViewPrefs;
  selected = $state<number | null>(null);
  toast = $state<string | null>(null);
  boxTool = $state(false);
  /** The depth window (mm). */
  lo = $state(0);
  hi = $state(1);
  /** "Accept σ < τ" threshold (px). */
  tau = $state(3);
  canvas = $state.raw<CanvasHandle | null>(null);
  /** Joints still `predicted` when Save was asked: Save waits for a decision (accept them, or save them unreviewed). */
  unreviewedWarning = $state<number | null>(null);

  readonly order = $derived.by(() => uncertaintyOrder(this.s.joints.length, this.s.prediction));
  readonly tauMax = $derived.by(() => tauCeiling(this.s.prediction));
  readonly details = $derived.by(() => this.s.prediction?.details ?? null);
  readonly suggestions = $derived.by(() => pendingSuggestions(this.s.joints, this.details));
  readonly suggestionCount = $derived.by(() => this.suggestions.filter((s) => s !== null).length);
  readonly weakLinks = $derived.by(() => leastLikelyLinks(this.details));
  /** A warning about the predicted pose stays on the canvas until the annotator has looked at both ends. */
  readonly warnedLinks = $derived.by<WarnedLink[]>(() =>
    this.weakLinks
      .filter(
        (l) =>
          this.s.joints[l.parent]?.state === 'predicted' || this.s.joints[l.child]?.state === 'predicted',
      )
      .map((l) => ({ ...l, note: this.linkNote(l) })),
  );
  readonly bones = $derived.by(() =>
    this.s.layout && this.s.camera ? boneLengths(this.s.joints, this.s.layout, this.s.camera.camera) : [],
  );
  readonly box = $derived.by(() => this.s.detail?.sample.box ?? null);
  readonly predictedCount = $derived.by(
    () => this.s.joints.filter((j) => j.state === 'predicted' && isPlaced(j)).length,
  );
  readonly belowTau = $derived.by(
    () =>
      this.s.joints.filter(
        (j, i) => j.state === 'predicted' && isPlaced(j) && (this.sigma(i) ?? Infinity) < this.tau,
      ).length,
  );
  readonly sel = $derived.by(() => (this.selected !== null ? this.s.joints[this.selected] : undefined));
  readonly selSuggestion = $derived.by(() =>
    this.selected !== null ? (this.suggestions[this.selected] ?? null) : null,
  );

  /** Positions of joints set absent in this session, so cycling back restores them. */
  private remembered: Partial<Record<number, Joint>> = {};
  private poseBase: Joint[] | null = null;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(session: AnnotationSession, prefs: ViewPrefs) {
    this.s = session;
    this.prefs = prefs;
  }

  /** Loads the sample, then starts from its defaults: selection, depth window and τ. */
  async load(): Promise<void> {
    await this.s.load();
    const { joints, image, prediction, loadError } = this.s;
    if (!image || loadError) return;
    this.selected = joints.some(isPlaced) ? null : joints.length ? 0 : null;
    if (image.kind === 'depth') ({ lo: this.lo, hi: this.hi } = depthWindow(joints, image.range));
    this.tau = defaultTau(prediction);
  }

  sigma = (i: number): number | null => this.s.prediction?.joints[i]?.stdPx ?? null;
  jointName = (i: number): string => this.s.layout?.joints[i] ?? `#${i}`;
  linkNote = (link: { parent: number; child: number; loglik: number }): string =>
    `${this.jointName(link.parent)} → ${this.jointName(link.child)}: log-likelihood ${link.loglik.toFixed(1)}. ` +
    'The skeleton model finds this predicted length unlikely: check both ends.';

  showToast(message: string): void {
    this.toast = message;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = null), 2200);
  }

  select = (i: number | null): void => {
    this.selected = i;
    const j = i !== null ? this.s.joints[i] : undefined;
    if (j && isPlaced(j)) this.canvas?.reveal(j.u, j.v);
  };

  walk(step: 1 | -1): void {
    const next = edits.walkOrder(this.order, this.selected, step);
    if (next !== null) this.select(next);
  }

  // ---- edits: each applies a pure edit from ./edits, then saves -----------------------------------------------

  /** Dragging updates the joints live; the drag's end saves (`commit`). */
  drag = (i: number, u: number, v: number): void => {
    const next = edits.moveJoint(this.s.joints, i, u, v);
    if (next) this.s.joints = next;
  };

  drag3d = (i: number, u: number, v: number, d: number): void => {
    const next = edits.moveJoint3d(this.s.joints, i, u, v, d);
    if (next) this.s.joints = next;
  };

  commit = (): void => void this.s.commit();

  place = (u: number, v: number): void => {
    const { image } = this.s;
    if (this.selected === null || !image) return;
    const i = this.selected;
    const next = edits.placeJoint(this.s.joints, i, u, v, depthAt(image, u, v));
    if (!next) return;
    delete this.remembered[i];
    this.s.edit(next);
    // Auto-advance to the next joint still missing.
    const missing = edits.nextMissing(next, i);
    if (missing !== null) this.selected = missing;
  };

  cycleVisibility = (i: number): void => {
    const step = edits.cycleVisibility(this.s.joints, i, this.remembered[i]);
    if (!step) return;
    this.selected = i;
    if (!step.joints) return this.showToast(`${this.jointName(i)} is absent: click the image to place it`);
    if (step.forget) this.remembered[i] = step.forget;
    this.s.edit(step.joints);
  };

  acceptSelected(): void {
    const next = this.selected !== null ? edits.acceptJoint(this.s.joints, this.selected) : null;
    if (!next) return;
    this.s.edit(next);
    // Move on to the most uncertain joint still waiting for a decision.
    const undecided = edits.nextUndecided(next, this.order);
    if (undecided !== null) this.select(undecided);
  }

  acceptBelowTau(): void {
    const { joints, accepted } = edits.acceptBelowTau(this.s.joints, this.sigma, this.tau);
    if (!accepted.length) return;
    this.s.edit(joints);
    this.showToast(`Accepted ${plural(accepted.length, 'joint')} with σ < ${this.tau} px`);
  }

  snapDepth(): void {
    const { image } = this.s;
    if (this.selected === null || !image) return;
    const result = edits.snapDepth(this.s.joints, this.selected, (u, v) => depthAt(image, u, v));
    if (result.joints) this.s.edit(result.joints);
    else if (result.reason === 'no depth reading') this.showToast('No depth reading near this joint');
  }

  nudgeDepth(mm: number): void {
    const { image } = this.s;
    if (this.selected === null || !image) return;
    const next = edits.nudgeDepth(this.s.joints, this.selected, mm, (u, v) => depthAt(image, u, v));
    if (next) this.s.edit(next, 'soon');
  }

  nudge(du: number, dv: number): void {
    if (this.selected === null) return;
    const next = edits.nudgeJoint(this.s.joints, this.selected, du, dv);
    if (next) this.s.edit(next, 'soon');
  }

  poseStart = (): void => {
    this.poseBase = $state.snapshot(this.s.joints) as Joint[];
  };
  poseUpdate = (gesture: PoseGesture): void => {
    const next = this.poseBase && edits.movePose(this.poseBase, gesture);
    if (next) this.s.joints = next;
  };
  poseEnd = (changed: boolean): void => {
    this.poseBase = null;
    if (changed) void this.s.commit();
  };

  resetToPrediction(): void {
    const { prediction, isDepth } = this.s;
    if (!prediction) return;
    this.s.startedFrom = prediction.id;
    this.s.edit(fitJoints(jointsFromPrediction(prediction, isDepth), this.s.joints.length));
  }

  // ---- refinement suggestions (heatmap models) and the person box (RGB) ---------------------------------------

  acceptSuggestion = (i: number): void => {
    const next = edits.takeSuggestion(this.s.joints, i, this.suggestions[i]);
    if (!next) return;
    delete this.remembered[i];
    this.selected = i;
    this.s.edit(next);
    this.showToast(`${this.jointName(i)} moved to the suggested position`);
  };

  acceptAllSuggestions(): void {
    const { joints, taken } = edits.takeAllSuggestions(this.s.joints, this.suggestions);
    if (!taken.length) return;
    for (const i of taken) delete this.remembered[i];
    this.s.edit(joints);
    this.showToast(`Accepted ${plural(taken.length, 'suggestion')}`);
  }

  saveBox = async (box: PersonBox): Promise<void> => {
    this.boxTool = false;
    if (this.s.readOnly) return;
    if (!(await this.s.setBox(box))) return;
    this.prefs.showBox = true;
    this.showToast('Person box saved');
  };

  boxFromJoints(): void {
    const { image } = this.s;
    const around = image && boxAround(this.s.joints, image.width, image.height);
    if (around) void this.saveBox(around);
  }

  // ---- history and leaving ------------------------------------------------------------------------------------

  async undoRedo(kind: 'undo' | 'redo'): Promise<void> {
    const outcome = await this.s.undoRedo(kind);
    if (outcome === 'applied') this.showToast(kind === 'undo' ? 'Undone' : 'Redone');
    else if (outcome === 'nothing') this.showToast(`Nothing to ${kind}`);
  }

  /**
   * Save & next. Joints nobody looked at (still `predicted`) would become a label silently: the first Save warns
   * and waits; Save again (with the same joints undecided) saves them as unreviewed, which exports and training
   * leave out unless told to include them.
   */
  async saveAndNext(): Promise<void> {
    const undecided = this.predictedCount;
    if (undecided > 0 && this.unreviewedWarning !== undecided) {
      this.unreviewedWarning = undecided;
      return;
    }
    this.unreviewedWarning = null;
    await this.finish('done');
  }

  /** Accept the prediction as is: every still-predicted joint becomes `accepted` (one edit), then save & next. */
  async acceptPredictionAndNext(): Promise<void> {
    this.unreviewedWarning = null;
    const { joints, accepted } = edits.acceptPrediction(this.s.joints);
    if (accepted.length) this.s.edit(joints);
    await this.finish('done');
  }

  async finish(queueStatus: 'done' | 'skipped'): Promise<void> {
    if (await this.s.finish(queueStatus)) await this.nextImage();
  }

  private async nextImage(): Promise<void> {
    const { project } = this.s;
    try {
      const item = await this.s.client.call('queue.next', { project });
      if (item) location.hash = href('annotate', project, { sample: String(item.sampleId) });
      else {
        this.showToast('The queue has no free image left');
        location.hash = href('queue', project);
      }
    } catch (e) {
      this.s.report(e);
    }
  }
}
