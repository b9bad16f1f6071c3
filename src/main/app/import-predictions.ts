import type { Joint } from '@shared/domain';
import { type DatasetFormat, type ImportedPrediction, TOOL_NAMES } from '../datasets';
import type { PredictionRow } from '../store';
import { pointPredictionRow } from '../loop';
import type { Project } from './project';

/**
 * Stores another tool's predictions (SLEAP predicted instances, Label Studio `predictions`, DeepLabCut machine
 * labels…) as round-less predictions of their samples under the tool's `imported:<format>` checkpoint, so the
 * annotate view offers them as suggestions ("imported (SLEAP)") and exports carry them; a re-import replaces them.
 * Joints are mapped into the project's skeleton like labels; a joint the tool did not place has a NaN mean.
 * Predictions whose sample was not imported (its image was missing) are dropped. Returns how many were stored.
 */
export function storeImportedPredictions(
  project: Project,
  datasetId: number,
  format: DatasetFormat,
  predictions: readonly ImportedPrediction[],
  toProject: (joints: Joint[]) => Joint[],
): number {
  if (predictions.length === 0) return 0;
  const { store } = project;
  const rows: PredictionRow[] = [];
  for (const prediction of predictions) {
    const sampleId = store.sampleIdByKey(datasetId, prediction.key);
    if (sampleId === null) continue;
    rows.push(predictionRow(sampleId, prediction, toProject));
  }
  if (rows.length === 0) return 0;
  const checkpoint = store.checkpoints.imported(format, TOOL_NAMES[format] ?? format);
  store.predictions.put(null, checkpoint.id, 1, rows);
  return rows.length;
}

/** The stored form: mean (u, v, 0) per joint, no spread, the tool's scores as `details.source.scores`. */
function predictionRow(
  sampleId: number,
  prediction: ImportedPrediction,
  toProject: (joints: Joint[]) => Joint[],
): PredictionRow {
  // Scores travel as the joints' `d` through the same mapping as the joints themselves.
  const scored = prediction.joints.map((joint, j) => ({ ...joint, d: prediction.scores[j] ?? null }));
  const joints = toProject(scored);
  return pointPredictionRow(
    sampleId,
    joints.map((joint) =>
      joint.visibility !== 'absent' && joint.u !== null && joint.v !== null
        ? { u: joint.u, v: joint.v, score: joint.d }
        : null,
    ),
    prediction.score,
  );
}
