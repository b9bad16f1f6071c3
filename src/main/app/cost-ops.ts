import { AppError } from '@shared/errors';
import type { AppDeps } from './deps';
import type { HandlerGroup } from './context';

/** `round.cost`: the store's cost query for one round (default: the latest), or null before the first round. */
export function costHandlers(deps: AppDeps): HandlerGroup<'round.cost'> {
  return {
    'round.cost': (input) => {
      const { store } = deps.projects.get(input.project);
      const round = input.roundId === undefined ? store.rounds.latest() : store.rounds.get(input.roundId);
      if (!round && input.roundId !== undefined)
        throw new AppError('not_found', `no round ${input.roundId} in this project`, 'roundId');
      if (!round) return null;
      return {
        roundId: round.id,
        number: round.number,
        sampler: round.sampler,
        ...store.cost.ofRound(round.id),
      };
    },
  };
}
