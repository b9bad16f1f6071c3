import { addCosts, NO_COST, suggestionCost } from '@shared/experiments';
import { createRng, permutation } from '@shared/random';
import type { AcquireStep, SamplePredictions } from '../loop';
import type { SimulationPlan } from './simulate-setup';

/**
 * Trial t's fixed draws, shared by every sampler: the seed set, and per stage one random order of the rest of the
 * universe from which each sampler's candidates are the first `take` it has not labelled yet (the papers' 10 %
 * subset, paired across samplers).
 */
export function trialDraws(plan: SimulationPlan, trial: number) {
  const { universe, settings } = plan;
  const trialSeed = settings.seed * 1000 + trial;
  const order = permutation(universe.length, createRng(trialSeed));
  const seedSet = Array.from(order.subarray(0, settings.seedSize), (i) => universe[i]!);
  const rest = Array.from(order.subarray(settings.seedSize), (i) => universe[i]!);
  const take =
    settings.subset >= 1 ? rest.length : Math.max(settings.budget, Math.round(rest.length * settings.subset));
  const candidates = (round: number, labelled: ReadonlySet<number>) => {
    const stageOrder = permutation(rest.length, createRng(trialSeed * 7919 + round + 1));
    const picked: number[] = [];
    for (const i of stageOrder) {
      const id = rest[i]!;
      if (!labelled.has(id)) picked.push(id);
      if (picked.length === take) break;
    }
    return picked.sort((a, b) => a - b);
  };
  return { trialSeed, seedSet, candidates };
}

export type TrialDraws = ReturnType<typeof trialDraws>;

/** Stage `round` of one sampler's chain: train on `labelled` (fine-tuning `previous`), then score the candidates. */
export function stageStep(
  plan: SimulationPlan,
  draws: TrialDraws,
  sampler: string,
  round: number,
  labelled: number[],
  models: { previous: string | null; dir: string },
): AcquireStep {
  const { settings } = plan;
  const inLabelled = new Set(labelled);
  return {
    settings: {
      ...settings,
      ...(settings.epochs === null ? { epochs: undefined } : { epochs: settings.epochs }),
      // One training thread per trial unless asked: --jobs parallelises trials, and results must not depend on it.
      workers: settings.workers ?? 1,
      sampler,
      seed: draws.trialSeed + round,
      subset: 1,
    },
    target: {
      roundId: null,
      set: { labelled, test: plan.test, labelOf: plan.labelOf },
      checkpointDir: models.dir,
      record: false,
      initialCheckpoint: models.previous === null ? null : { id: 0, path: models.previous },
    },
    // The last stage only measures: nothing is picked after it.
    pool: round < settings.rounds - 1 ? () => draws.candidates(round, inLabelled) : null,
    persist: false,
  };
}

/** What labelling the picks would cost with the model's suggestions, judged against the oracle's labels. */
export function picksCost(plan: SimulationPlan, picks: readonly number[], scored: SamplePredictions | null) {
  return picks.reduce((sum, id) => {
    const row = scored?.sampleIds.indexOf(id) ?? -1;
    return addCosts(sum, suggestionCost(plan.labelOf(id) ?? [], row >= 0 ? scored!.meanInImage(row) : null));
  }, NO_COST);
}
