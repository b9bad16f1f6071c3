import { AppError } from '@shared/errors';
import type { LoopProject } from './context';
import { DEPTH_PIPELINE } from './depth/pipeline';
import type { LearningPipeline, TrainingSet } from './pipeline';
import { RGB_PIPELINE } from './rgb/pipeline';

/** The pipeline of a project's modality (its skeleton decides: hand → depth, human → RGB). */
export function pipelineFor(project: Pick<LoopProject, 'modality'>): LearningPipeline {
  return project.modality === 'rgb' ? RGB_PIPELINE : DEPTH_PIPELINE;
}

/** Refuses a sampler the project's modality does not have, naming the ones it does. */
export function checkSampler(pipeline: LearningPipeline, sampler: string): void {
  if (!pipeline.samplers.includes(sampler))
    throw new AppError(
      'invalid_input',
      `sampler "${sampler}" does not apply to ${pipeline.modality} projects (use one of: ${pipeline.samplers.join(', ')})`,
      'sampler',
    );
}

/**
 * The project's own training set: the labelled split and the test split, labelled by their annotations. Joints saved
 * without review (still `predicted`) are left out unless `unreviewed` is 'include'; a label left with no placed joint
 * drops out of the labelled set.
 */
export function projectTrainingSet(
  project: LoopProject,
  unreviewed: 'exclude' | 'include' = 'exclude',
): TrainingSet {
  const labelOf = (id: number) => project.store.annotations.labelOf(id, unreviewed);
  const placed = (id: number) =>
    labelOf(id)?.some((joint) => joint.visibility !== 'absent' && joint.u !== null) ?? false;
  return {
    labelled: project.store.sampleIds('train').filter(placed),
    test: project.store.sampleIds('test'),
    labelOf,
  };
}
