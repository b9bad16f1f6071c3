import type { PredictionView } from '@shared/contract';
import { PRETRAINED_PREFIX, type CheckpointRecord, type StoredPrediction } from '../../store';
import type { LoopProject } from '../context';

type Source = PredictionView['source'];

const isPretrained = (checkpoint: CheckpointRecord | null): boolean =>
  checkpoint?.path.startsWith(PRETRAINED_PREFIX) ?? false;

const testPckh = (checkpoint: CheckpointRecord | null): number | null => {
  const value = checkpoint?.metrics['testPckh'];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

/**
 * Which suggestion a sample shows. The project's own model wins unless a pretrained model scored a higher PCKh on
 * the same test split (both numbers are stored with their checkpoints), or the project has no prediction of its own
 * for the sample yet. Depth projects have no pretrained rows here, so they always show their latest prediction.
 */
function chooseSuggestion(
  project: LoopProject,
  sampleId: number,
): { stored: StoredPrediction; checkpoint: CheckpointRecord | null } | null {
  const { predictions, checkpoints } = project.store;
  const withCheckpoint = (stored: StoredPrediction | null) =>
    stored && {
      stored,
      checkpoint: stored.checkpointId === null ? null : checkpoints.get(stored.checkpointId),
    };
  const pretrained = checkpoints
    .pretrainedModels()
    .map((checkpoint) => withCheckpoint(predictions.latestBy(sampleId, { checkpointId: checkpoint.id })))
    .filter((entry) => entry !== null)
    .sort((a, b) => (testPckh(b.checkpoint) ?? -1) - (testPckh(a.checkpoint) ?? -1))[0];
  const latest = withCheckpoint(predictions.latest(sampleId));
  const own = latest && !isPretrained(latest.checkpoint) ? latest : null;
  if (!own || !pretrained) return own ?? pretrained ?? null;
  const [ownScore, pretrainedScore] = [testPckh(own.checkpoint), testPckh(pretrained.checkpoint)];
  return pretrainedScore !== null && (ownScore === null || pretrainedScore > ownScore) ? pretrained : own;
}

function sourceOf(stored: StoredPrediction, checkpoint: CheckpointRecord | null): Source {
  if (isPretrained(checkpoint)) {
    const extra = (stored.details?.['source'] ?? {}) as Partial<Source>;
    return {
      kind: 'pretrained',
      label: String(checkpoint!.config['label'] ?? checkpoint!.path.slice(PRETRAINED_PREFIX.length)),
      derived: extra.derived ?? [],
      unpredicted: extra.unpredicted ?? [],
    };
  }
  const label =
    stored.roundId !== null
      ? `round #${stored.roundId}`
      : stored.checkpointId !== null
        ? `model #${stored.checkpointId}`
        : 'project model';
  return { kind: 'project', label, derived: [], unpredicted: [] };
}

/**
 * Joint `j`'s uncertainty as the annotate view draws it, from a stored row in image units: the ring's σ (the larger
 * of the u and v std, px), the depth std (mm) and the aleatoric σ (√ of the larger u/v variance, px; null: no head).
 */
export function ringSigmas(
  stored: { std: ArrayLike<number>; aleatoric: ArrayLike<number> | null },
  j: number,
): { stdPx: number; stdMm: number; aleatoricPx: number | null } {
  const at = j * 3;
  const { std, aleatoric } = stored;
  return {
    stdPx: Math.max(std[at]!, std[at + 1]!),
    stdMm: std[at + 2]!,
    aleatoricPx: aleatoric ? Math.sqrt(Math.max(aleatoric[at]!, aleatoric[at + 1]!)) : null,
  };
}

/** The suggestion of a sample in image units (px, mm), with its uncertainties as std and its provenance. */
export function predictionView(project: LoopProject, sampleId: number): PredictionView | null {
  const chosen = chooseSuggestion(project, sampleId);
  if (!chosen) return null;
  const { stored, checkpoint } = chosen;
  const withoutSigma = isPretrained(checkpoint);
  const joints = [];
  for (let j = 0; j < stored.mean.length / 3; j++) {
    const at = j * 3;
    const placed = Number.isFinite(stored.mean[at]) && Number.isFinite(stored.mean[at + 1]);
    const sigmas = ringSigmas(stored, j);
    joints.push({
      u: placed ? stored.mean[at]! : null,
      v: placed ? stored.mean[at + 1]! : null,
      d: stored.mean[at + 2]!,
      ...sigmas,
      stdPx: withoutSigma ? null : sigmas.stdPx,
    });
  }
  const { source: _source, ...details } = stored.details ?? {};
  return {
    id: stored.id,
    roundId: stored.roundId,
    passes: stored.passes,
    joints,
    loglik: stored.loglik,
    details: stored.details ? (details as NonNullable<PredictionView['details']>) : null,
    source: sourceOf(stored, checkpoint),
    createdAt: stored.createdAt,
  };
}
