import type { JobProgress } from '@shared/contract';
import type { SkeletonLayout } from '@shared/skeletons';
import type { ProjectStore } from '../store';

/** What the loop needs of an open project (the app's Project is one). */
export interface LoopProject {
  readonly name: string;
  readonly modelsDir: string;
  readonly cacheDir: string;
  readonly store: ProjectStore;
  readonly skeleton: SkeletonLayout;
  readonly modality: 'depth' | 'rgb';
}

/** How a loop step reports back: the caller's cancel signal and progress sink. */
export interface LoopContext {
  signal: AbortSignal;
  progress(progress: JobProgress): void;
}

/** A part [from, to] of a job's progress. */
export type Span = readonly [number, number];

/** Scales a sub-task's progress into [from, to] of the whole job. */
export function subProgress(
  ctx: LoopContext,
  from: number,
  to: number,
  stage: string,
): (fraction: number, extra?: Partial<JobProgress>) => void {
  return (fraction, extra = {}) =>
    ctx.progress({ stage, ...extra, fraction: from + (to - from) * Math.min(1, Math.max(0, fraction)) });
}

/** A sub-task's own context: same cancel signal, its progress scaled into [from, to] under `stage`. */
export function subContext(ctx: LoopContext, from: number, to: number, stage: string): LoopContext {
  const report = subProgress(ctx, from, to, stage);
  return { signal: ctx.signal, progress: (p) => report(p.fraction, { message: p.message }) };
}

/** The part [a, b] (fractions of `span`) of a span. */
export function within([from, to]: Span, a: number, b: number): [number, number] {
  return [from + (to - from) * a, from + (to - from) * b];
}

/**
 * One ETA for a whole multi-stage job from its overall fraction and elapsed time: elapsed·(1 − f)/f, so the estimate
 * covers the stages still to come instead of the current stage's own ETA (which drops to seconds at the end of
 * training while inference is still ahead). Undefined until 2 % is done (too early to say).
 */
export function overallEta(fraction: number, elapsedSeconds: number): number | undefined {
  if (!(fraction >= 0.02) || !(elapsedSeconds >= 0)) return undefined;
  return fraction >= 1 ? 0 : (elapsedSeconds * (1 - fraction)) / fraction;
}
