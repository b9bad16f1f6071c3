import type { PredictionView } from '@shared/contract';
import type { LoopProject } from '../context';

/** The latest stored prediction of a sample in image units (px, mm), with its uncertainties as std. */
export function predictionView(project: LoopProject, sampleId: number): PredictionView | null {
  const stored = project.store.predictions.latest(sampleId);
  if (!stored) return null;
  const joints = [];
  for (let j = 0; j < stored.mean.length / 3; j++) {
    const at = j * 3;
    joints.push({
      u: stored.mean[at]!,
      v: stored.mean[at + 1]!,
      d: stored.mean[at + 2]!,
      stdPx: Math.max(stored.std[at]!, stored.std[at + 1]!),
      stdMm: stored.std[at + 2]!,
      aleatoricPx: stored.aleatoric
        ? Math.sqrt(Math.max(stored.aleatoric[at]!, stored.aleatoric[at + 1]!))
        : null,
    });
  }
  return {
    id: stored.id,
    roundId: stored.roundId,
    passes: stored.passes,
    joints,
    loglik: stored.loglik,
    details: (stored.details as PredictionView['details'] | undefined) ?? null,
    createdAt: stored.createdAt,
  };
}
