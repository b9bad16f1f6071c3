import { AppError } from '@shared/errors';
import type { HandlerGroup } from './context';
import type { AppDeps } from './deps';
import { pipelineFor, predictionView, projectTrainingSet, zeroShotDepth, zeroShotRgb } from '../loop';

/** model.train / model.predict / model.zeroShot / prediction.get: the project's learners outside a round. */
export function learningHandlers(
  deps: AppDeps,
): HandlerGroup<'model.train' | 'model.predict' | 'model.zeroShot' | 'prediction.get'> {
  return {
    'model.train': (input, ctx) => {
      const project = deps.projects.get(input.project);
      return pipelineFor(project).train(
        project,
        input,
        { roundId: null, set: projectTrainingSet(project, input.unreviewed), record: true },
        ctx,
      );
    },
    'model.predict': async (input, ctx) => {
      const project = deps.projects.get(input.project);
      const checkpoint = project.store.checkpoints.latest();
      if (!checkpoint)
        throw new AppError('invalid_input', 'no trained model yet: run "poseloop train" or a round first');
      const ids =
        input.split === 'all'
          ? (['train', 'pool', 'test'] as const).flatMap((split) => project.store.sampleIds(split))
          : project.store.sampleIds(input.split);
      const predictions = await pipelineFor(project).predict(
        project,
        checkpoint,
        ids,
        { passes: input.mc, seed: input.seed, roundId: null, persist: true },
        ctx,
        [0, 1],
      );
      const views = predictions.sampleIds.map((id) => predictionView(project, id)!);
      const mean = (values: number[]) =>
        values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
      return {
        predicted: predictions.sampleIds.length,
        checkpointId: checkpoint.id,
        passes: views[0]?.passes ?? input.mc,
        meanStdPx: mean(views.flatMap((v) => v.joints.flatMap((j) => (j.stdPx === null ? [] : [j.stdPx])))),
        meanStdMm: mean(views.flatMap((v) => v.joints.map((j) => j.stdMm))),
        backend: predictions.result.backend.name,
      };
    },
    'model.zeroShot': (input, ctx) => {
      const project = deps.projects.get(input.project);
      const sampleIds =
        input.sampleIds ??
        (input.split === 'all'
          ? (['train', 'pool', 'test'] as const).flatMap((split) => project.store.sampleIds(split))
          : project.store.sampleIds(input.split));
      return project.modality === 'rgb'
        ? zeroShotRgb(project, { sampleIds, model: input.model }, ctx)
        : zeroShotDepth(project, { sampleIds }, ctx);
    },
    'prediction.get': (input) => predictionView(deps.projects.get(input.project), input.sampleId),
  };
}
