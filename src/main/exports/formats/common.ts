import type { Joint, Visibility } from '@shared/domain';
import { mapJoints, type SkeletonLayout } from '@shared/skeletons';
import type { ExportContext, ExportDataset, ExportSample } from '../types';

/** COCO visibility flag: 0 = not labelled, 1 = labelled but occluded, 2 = labelled and visible (formats.md §4.1). */
export function cocoFlag(visibility: Visibility): 0 | 1 | 2 {
  return visibility === 'absent' ? 0 : visibility === 'occluded' ? 1 : 2;
}

/** A joint with a position: not absent and with finite u and v. */
export function isPlaced(joint: Joint): joint is Joint & { u: number; v: number } {
  return joint.visibility !== 'absent' && joint.u !== null && joint.v !== null;
}

/** The folder a dataset's images go under in an export: `ds001-<name>` (always longer than 6 characters, see ICVL). */
export function datasetFolder(dataset: Pick<ExportDataset, 'id' | 'name'>): string {
  const slug = dataset.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `ds${String(dataset.id).padStart(3, '0')}-${slug || 'data'}`;
}

/**
 * Export-relative image paths: `<dataset folder>/<path in the dataset>`, with characters other than letters, digits,
 * `._-/` replaced by `_` (label files split on whitespace), `..` segments dropped, non-PNG sources renamed `.png`
 * (they are re-encoded as 16-bit PNG), and a rare collision made unique with the sample id.
 */
export class ImagePaths {
  private readonly used = new Set<string>();

  /**
   * `keepExtension`: folder exports that copy RGB files as they are (JPEG stays .jpg); a depth source that is not a
   * PNG is still re-encoded, so it is still named .png (export-ops imageBytes).
   */
  constructor(
    private readonly datasets: ReadonlyMap<number, ExportDataset>,
    private readonly keepExtension = false,
  ) {}

  pathOf(sample: Pick<ExportSample, 'sampleId' | 'datasetId' | 'imagePath' | 'modality'>): string {
    const dataset = this.datasets.get(sample.datasetId) ?? { id: sample.datasetId, name: 'data' };
    const segments = sample.imagePath
      .split(/[\\/]+/)
      .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
      .map((segment) => segment.replace(/[^A-Za-z0-9._-]/g, '_'));
    let path = [datasetFolder(dataset), ...segments].join('/');
    const copiedAsIs = this.keepExtension && sample.modality === 'rgb';
    if (!copiedAsIs && !/\.png$/i.test(path)) path = `${path.replace(/\.[A-Za-z0-9]+$/, '')}.png`;
    if (this.used.has(path)) path = path.replace(/(\.[A-Za-z0-9]+)?$/, `-${sample.sampleId}$1`);
    this.used.add(path);
    return path;
  }
}

/** Joints re-expressed in a dataset's native layout (absent where the project's skeleton has no counterpart). */
export function toLayout(joints: readonly Joint[], from: SkeletonLayout, to: SkeletonLayout): Joint[] {
  return from.id === to.id ? joints.map((joint) => ({ ...joint })) : mapJoints(joints, from, to);
}

/** Counts of joint states and visibilities, and which joints were moved or created. */
export function jointSummary(joints: readonly Joint[] | null) {
  const states = { predicted: 0, accepted: 0, moved: 0, created: 0 };
  const visibility = { visible: 0, occluded: 0, absent: 0 };
  const moved: number[] = [];
  for (const [index, joint] of (joints ?? []).entries()) {
    states[joint.state]++;
    visibility[joint.visibility]++;
    if (joint.state === 'moved' || joint.state === 'created') moved.push(index);
  }
  return { states, visibility, moved };
}

/**
 * The provenance of one exported sample: which round and sampler selected it (rank and score at selection), the
 * model version, the prediction shown before correction, who annotated it, how long it took, which joints were
 * moved or accepted, and how many edits it went through.
 */
export function provenanceOf(sample: ExportSample, context: Pick<ExportContext, 'datasets'>) {
  const dataset = context.datasets.get(sample.datasetId);
  const summary = jointSummary(sample.joints);
  return {
    sampleId: sample.sampleId,
    dataset: { id: sample.datasetId, name: dataset?.name ?? null, format: dataset?.format ?? null },
    sourceKey: sample.sourceKey,
    sourceImage: sample.imagePath,
    split: sample.split,
    status: sample.annotation?.status ?? null,
    revision: sample.annotation?.revision ?? null,
    /** current = the done annotation; last-done = the latest done state of an annotation being re-edited. */
    exportedState: sample.exportedState,
    round: sample.selection
      ? {
          id: sample.selection.roundId,
          number: sample.selection.roundNumber,
          sampler: sample.selection.sampler,
          rank: sample.selection.rank,
          score: finiteOrNull(sample.selection.score),
          reason: sample.selection.reason,
        }
      : null,
    model: sample.checkpoint
      ? {
          checkpointId: sample.checkpoint.id,
          path: sample.checkpoint.path,
          roundId: sample.checkpoint.roundId,
          createdAt: sample.checkpoint.createdAt,
        }
      : null,
    prediction: sample.prediction
      ? {
          id: sample.prediction.id,
          roundId: sample.prediction.roundId,
          checkpointId: sample.prediction.checkpointId,
          passes: sample.prediction.passes,
          createdAt: sample.prediction.createdAt,
          /** Flat (u px, v px, d mm) per joint, as predicted (float32). */
          uvd: sample.prediction.mean,
          /** Epistemic std, same layout. */
          stdUvd: sample.prediction.std,
        }
      : null,
    annotators: sample.annotators,
    lastAnnotator: sample.annotation?.annotator ?? null,
    createdAt: sample.annotation?.createdAt ?? null,
    updatedAt: sample.annotation?.updatedAt ?? null,
    secondsSpent: sample.annotation?.secondsSpent ?? 0,
    joints: { ...summary.states, movedOrCreated: summary.moved },
    visibility: summary.visibility,
    edits: sample.edits,
    historyRows: sample.historyRows,
  };
}
export type Provenance = ReturnType<typeof provenanceOf>;

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function addSkip(skipped: Record<string, number>, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}

/**
 * The COCO box: the supplied box if the sample has one, else the tight box of the visible keypoints (of all labelled
 * ones when none is visible) grown by a margin of max(4 px, 10 % of its longer side) on every side, clipped to the
 * image. [0, 0, 0, 0] when nothing is labelled.
 */
export function keypointBox(
  joints: readonly Joint[],
  width: number,
  height: number,
  supplied: readonly [number, number, number, number] | null = null,
): [number, number, number, number] {
  if (supplied) return [supplied[0], supplied[1], supplied[2], supplied[3]];
  const placed = joints.filter(isPlaced);
  const visible = placed.filter((joint) => joint.visibility === 'visible');
  const points = visible.length > 0 ? visible : placed;
  if (points.length === 0) return [0, 0, 0, 0];
  const us = points.map((joint) => joint.u);
  const vs = points.map((joint) => joint.v);
  const [minU, maxU, minV, maxV] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  const margin = Math.max(4, 0.1 * Math.max(maxU - minU, maxV - minV));
  const x0 = Math.max(0, minU - margin);
  const y0 = Math.max(0, minV - margin);
  const x1 = Math.min(width, maxU + margin);
  const y1 = Math.min(height, maxV + margin);
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/** A predicted joint with a confidence in (0, 1]: 1 / (1 + σ), σ the RMS of its u and v MC-dropout std in px. */
export interface PredictedPoint {
  u: number;
  v: number;
  confidence: number;
}

/**
 * The sample's prediction as points (project skeleton order; null where the model left a joint out), or null when
 * it has none.
 */
export function predictedPoints(sample: ExportSample): (PredictedPoint | null)[] | null {
  const prediction = sample.prediction;
  if (!prediction) return null;
  const count = prediction.mean.length / 3;
  return Array.from({ length: count }, (_, j) => {
    const [u, v] = [prediction.mean[3 * j]!, prediction.mean[3 * j + 1]!];
    if (!Number.isFinite(u) || !Number.isFinite(v)) return null;
    const [su, sv] = [prediction.std[3 * j] ?? 0, prediction.std[3 * j + 1] ?? 0];
    const confidence = prediction.scores?.[j] ?? 1 / (1 + Math.sqrt((su * su + sv * sv) / 2));
    return { u, v, confidence };
  });
}

/** Mean confidence over the points the model placed (0 when none). */
export function meanConfidence(points: readonly (PredictedPoint | null)[]): number {
  const placed = points.filter((point) => point !== null);
  return placed.length ? placed.reduce((sum, point) => sum + point.confidence, 0) / placed.length : 0;
}

/** Samples grouped by source image (dataset and path), in first-seen order: tools that hold one record per image. */
export function byImage(samples: readonly ExportSample[]): ExportSample[][] {
  const groups = new Map<string, ExportSample[]>();
  for (const sample of samples) {
    const key = `${sample.datasetId}:${sample.imagePath}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return [...groups.values()];
}

/** A sample that carries labels. */
export type LabelledSample = ExportSample & { joints: Joint[] };

/**
 * The labelled samples grouped by source image (byImage), images left with none dropped; the unlabelled samples are
 * counted in `skipped` ('unlabelled'). For tools that hold one record per image with a list of people.
 */
export function labelledByImage(
  samples: readonly ExportSample[],
  skipped: Record<string, number>,
): LabelledSample[][] {
  return byImage(samples).flatMap((group) => {
    const labelled = group.filter((sample): sample is LabelledSample => sample.joints !== null);
    for (let i = labelled.length; i < group.length; i++) addSkip(skipped, 'unlabelled');
    return labelled.length === 0 ? [] : [labelled];
  });
}

/** The source file's absolute path ('/'-joined: the dataset root is absolute already). */
export function sourcePath(sample: ExportSample, context: Pick<ExportContext, 'datasets'>): string {
  const root = context.datasets.get(sample.datasetId)?.root ?? '';
  return `${root.replace(/[\\/]+$/, '')}/${sample.imagePath}`;
}
