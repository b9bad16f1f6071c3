import { uvdToXyz } from '@shared/camera';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { ImagePaths, isPlaced, jointSummary } from './common';

export const CSV_COLUMNS = [
  'sample_id',
  'dataset_id',
  'image',
  'source_image',
  'split',
  'status',
  'joint',
  'joint_name',
  'u',
  'v',
  'd',
  'x',
  'y',
  'z',
  'visibility',
  'state',
  'pred_u',
  'pred_v',
  'pred_d',
  'round_id',
  'round_number',
  'sampler',
  'rank',
  'score',
  'checkpoint_id',
  'checkpoint_path',
  'prediction_id',
  'annotators',
  'seconds_spent',
  'joints_moved',
  'joints_accepted',
  'edits',
  'updated_at',
] as const;

/** RFC 4180 cell: quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV, one row per sample × joint, with the sample's provenance repeated on each of its rows (annotators joined by
 * `;`). Empty cells = no value (absent joint, no prediction, no round). Unlabelled samples have no rows.
 */
export function planCsv(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const paths = new ImagePaths(context.datasets);
  const lines = [CSV_COLUMNS.join(',')];
  let written = 0;
  const skipped: Record<string, number> = {};
  for (const sample of samples) {
    const image = paths.pathOf(sample);
    if (!sample.joints) {
      skipped.unlabelled = (skipped.unlabelled ?? 0) + 1;
      continue;
    }
    written++;
    const intrinsics = context.datasets.get(sample.datasetId)?.intrinsics ?? null;
    const summary = jointSummary(sample.joints);
    const prediction = sample.prediction?.mean;
    for (const [index, joint] of sample.joints.entries()) {
      const placed = isPlaced(joint);
      const xyz =
        placed && joint.d !== null && intrinsics ? uvdToXyz(intrinsics, [joint.u, joint.v, joint.d]) : null;
      const row = [
        sample.sampleId,
        sample.datasetId,
        image,
        sample.imagePath,
        sample.split,
        sample.annotation?.status ?? null,
        index,
        context.skeleton.joints[index] ?? null,
        placed ? joint.u : null,
        placed ? joint.v : null,
        placed ? joint.d : null,
        xyz?.[0],
        xyz?.[1],
        xyz?.[2],
        joint.visibility,
        joint.state,
        prediction?.[3 * index],
        prediction?.[3 * index + 1],
        prediction?.[3 * index + 2],
        sample.selection?.roundId,
        sample.selection?.roundNumber,
        sample.selection?.sampler,
        sample.selection?.rank,
        sample.selection?.score,
        sample.checkpoint?.id,
        sample.checkpoint?.path,
        sample.prediction?.id,
        sample.annotators.join(';'),
        sample.annotation?.secondsSpent ?? 0,
        summary.states.moved + summary.states.created,
        summary.states.accepted,
        sample.edits,
        sample.annotation?.updatedAt,
      ];
      lines.push(row.map(csvCell).join(','));
    }
  }
  return {
    kind: 'file',
    files: [{ path: '', text: `${lines.join('\n')}\n` }],
    images: [],
    samples: written,
    skipped,
    notes: [],
  };
}
