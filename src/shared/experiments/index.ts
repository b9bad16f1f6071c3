import type { ExperimentCell, ExperimentFile, ExperimentSummary } from '../contract/experiments';
import { annotationCost } from './cost';
import { gapsToRandom, learningCurves, recommend } from './summary';

export * from './summary';
export * from './cost';
export * from './tables';

/** Everything a report says about a results file: curves with CIs, paired gaps, cost, the recommendation. */
export function summarise(
  file: Pick<ExperimentFile, 'metric' | 'jointTime'> & { results: readonly ExperimentCell[] },
  target?: number,
): ExperimentSummary {
  const gaps = gapsToRandom(file.results);
  return {
    metric: file.metric,
    trials: new Set(file.results.map((c) => c.trial)).size,
    recommendation: recommend(file.metric, gaps),
    curves: learningCurves(file.results),
    gaps,
    cost: { ...file.jointTime, ...annotationCost(file.results, file.metric, file.jointTime, target) },
  };
}
