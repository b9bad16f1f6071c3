import type { HandlerGroup } from './context';
import type { AppDeps } from './deps';
import { evaluateSuggestions } from '../loop';

/** `suggestions.evaluate`: the loop's scoring of the shown suggestions on one split (lead-only: it reads the oracle). */
export function evaluationHandlers(deps: AppDeps): HandlerGroup<'suggestions.evaluate'> {
  return {
    'suggestions.evaluate': (input) => evaluateSuggestions(deps.projects.get(input.project), input.split),
  };
}
