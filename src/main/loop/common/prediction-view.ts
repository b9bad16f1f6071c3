import type { PredictionView } from '@shared/contract';
import {
  IMPORTED_PREFIX,
  PRETRAINED_PREFIX,
  type CheckpointRecord,
  type StoredPrediction,
} from '../../store';
import type { LoopProject } from '../context';

type Source = PredictionView['source'];

const isPretrained = (checkpoint: CheckpointRecord | null): boolean =>
  checkpoint?.path.startsWith(PRETRAINED_PREFIX) ?? false;
const isImported = (checkpoint: CheckpointRecord | null): boolean =>
  checkpoint?.path.startsWith(IMPORTED_PREFIX) ?? false;

/**
 * A model's score on the project's test split, higher = better: PCKh for people, minus the mean joint error (mm)
 * for hands. Both are stored with the checkpoints (trained and pretrained alike).
 */
const testScore = (checkpoint: CheckpointRecord | null): number | null => {
  const pckh = checkpoint?.metrics['testPckh'];
  if (typeof pckh === 'number' && Number.isFinite(pckh)) return pckh;
  const errorMm = checkpoint?.metrics['testErrorMm'];
  return typeof errorMm === 'number' && Number.isFinite(errorMm) ? -errorMm : null;
};

/**
 * Which suggestion a sample shows. The project's own model wins unless a pretrained model scored better on the
 * same test split (both scores are stored with their checkpoints). Without a prediction of its own, the newest
 * imported prediction (another tool's, e.g. SLEAP's) comes first, then the pretrained model's.
 */
function chooseSuggestion(
  project: LoopProject,
  sampleId: number,
): {
  stored: StoredPrediction;
  checkpoint: CheckpointRecord | null;
  pretrainedScoresHigher?: boolean;
} | null {
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
    .sort((a, b) => (testScore(b.checkpoint) ?? -Infinity) - (testScore(a.checkpoint) ?? -Infinity))[0];
  const own = withCheckpoint(predictions.latestOwn(sampleId, [PRETRAINED_PREFIX, IMPORTED_PREFIX]));
  const imported = checkpoints
    .importedModels()
    .map((checkpoint) => withCheckpoint(predictions.latestBy(sampleId, { checkpointId: checkpoint.id })))
    .filter((entry) => entry !== null)
    .sort((a, b) => b.stored.id - a.stored.id)[0];
  if (!own) return imported ?? pretrained ?? null;
  const ownScore = testScore(own.checkpoint);
  const beats = (checkpoint: CheckpointRecord | null) => {
    const score = testScore(checkpoint);
    return score !== null && (ownScore === null || score > ownScore);
  };
  if (pretrained && beats(pretrained.checkpoint)) return pretrained;
  return { ...own, pretrainedScoresHigher: !pretrained && checkpoints.pretrainedModels().some(beats) };
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
  if (isImported(checkpoint))
    return {
      kind: 'imported',
      label: String(checkpoint!.config['label'] ?? checkpoint!.path.slice(IMPORTED_PREFIX.length)),
      derived: [],
      unpredicted: ((stored.details?.['source'] ?? {}) as Partial<Source>).unpredicted ?? [],
    };
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
  const { stored, checkpoint, pretrainedScoresHigher = false } = chosen;
  // A single-pass pretrained model (MoveNet) and other tools' predictions have no MC spread to show; the pretrained
  // hand model samples M passes.
  const withoutSigma = (isPretrained(checkpoint) && stored.passes <= 1) || isImported(checkpoint);
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
    pretrainedScoresHigher,
    createdAt: stored.createdAt,
  };
}
