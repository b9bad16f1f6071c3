import type { HandlerGroup } from './context';
import type { AppDeps } from './deps';
import { checkLabels } from '../loop';

export function qcHandlers(deps: AppDeps): HandlerGroup<'labels.qc'> {
  return { 'labels.qc': (input, ctx) => checkLabels(deps.projects.get(input.project), input, ctx) };
}
