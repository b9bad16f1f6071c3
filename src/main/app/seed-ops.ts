import { AppError } from '@shared/errors';
import { createRng, permutation } from '@shared/random';
import { kCenterGreedy } from '../samplers';
import type { RankingRow } from '../store';
import type { HandlerGroup } from './context';
import type { AppDeps } from './deps';
import type { Project } from './project';
import { imageFeatures } from '../loop';
import { roundDetail } from './round-ops';
import { holdLease, PROCESS_OWNER } from './round-lease';

/**
 * The initial labelled set s0, chosen before any model exists: a seeded random draw from the pool, or k-center
 * greedy (CoreSet) on downsampled hand crops so that s0 covers the pool's variety. Written as a round of its own
 * (sampler `seed-random` / `seed-coreset`) whose queue annotators work through like any other.
 */
async function selectSeed(
  project: Project,
  input: { size: number; method: 'random' | 'coreset'; seed: number },
) {
  const { store } = project;
  const pool = store.sampleIds('pool');
  if (pool.length === 0)
    throw new AppError('invalid_input', 'the pool is empty: import unlabelled images first');
  const round = store.rounds.create({
    sampler: `seed-${input.method}`,
    budget: input.size,
    config: { ...input },
    labelledSampleIds: store.sampleIds('train'),
    owner: PROCESS_OWNER,
  });
  const lease = holdLease(store, round.id);
  try {
    let ranked: RankingRow[];
    if (input.method === 'random') {
      const order = permutation(pool.length, createRng(input.seed));
      ranked = Array.from(order.subarray(0, Math.min(input.size, pool.length)), (i) => ({
        sampleId: pool[i]!,
        score: 0,
        reason: {
          kind: 'random',
          seed: input.seed,
          sentence: `Random draw for the seed set (seed ${input.seed}).`,
        },
      }));
    } else {
      const { batch, labelled, dims } = await imageFeatures(project, pool, store.sampleIds('train'));
      if (batch.sampleIds.length === 0)
        throw new AppError(
          'invalid_input',
          'no pool image can be cropped yet (RGB: draw person boxes first)',
        );
      const start = createRng(input.seed).int(batch.sampleIds.length);
      const initial =
        labelled.sampleIds.length > 0
          ? { features: labelled.x }
          : { features: batch.x.slice(start * dims, (start + 1) * dims) };
      const result = kCenterGreedy(batch.x, dims, initial, input.size);
      ranked = Array.from(result.picks, (pick, i) => ({
        sampleId: batch.sampleIds[pick]!,
        score: result.distances[i]!,
        reason: {
          kind: 'coreset',
          distance: result.distances[i]!,
          sentence: `Covers the pool: its ${project.modality === 'rgb' ? 'person' : 'hand'} crop is ${result.distances[i]!.toFixed(2)} from the nearest image already chosen.`,
        },
      }));
    }
    store.queue.putRanking(round.id, ranked);
    store.rounds.setStage(round.id, 'done');
    return roundDetail(project, store.rounds.get(round.id)!);
  } catch (error) {
    store.rounds.abandon(round.id, 'failed', (error as Error).message);
    throw error;
  } finally {
    lease.release();
  }
}

export function seedHandlers(deps: AppDeps): HandlerGroup<'seed.select' | 'queue.add'> {
  return {
    'seed.select': (input) => selectSeed(deps.projects.get(input.project), input),
    'queue.add': (input) => {
      const project = deps.projects.get(input.project);
      const round = project.store.queue.newestRound();
      if (round === null)
        throw new AppError('invalid_input', 'no queue yet: choose a seed set or run a round first');
      for (const id of input.sampleIds) {
        if (project.store.requireSample(id).split !== 'pool')
          throw new AppError('invalid_input', `sample ${id} is not in the pool`, 'sampleIds');
      }
      const added = project.store.queue.append(
        round,
        input.sampleIds.map((sampleId) => ({
          sampleId,
          score: 0,
          reason: { kind: 'manual', sentence: 'Marked by hand.' },
        })),
      );
      return { added, queued: project.store.queue.count(round) };
    },
  };
}
