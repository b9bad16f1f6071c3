import type { SampleRow } from '@shared/contract';
import type { Intrinsics } from '@shared/domain';
import { AppError } from '@shared/errors';
import type { SampleRecord } from '../store';
import type { AppDeps } from './deps';
import type { HandlerGroup } from './context';
import { checkAnnotation } from './annotation-rules';

function toRow(s: SampleRecord): SampleRow {
  return {
    id: s.id,
    datasetId: s.datasetId,
    imagePath: s.imagePath,
    modality: s.modality,
    width: s.width,
    height: s.height,
    split: s.split,
    box: s.box,
    annotationStatus: s.annotationStatus,
  };
}

export function sampleHandlers(
  deps: AppDeps,
): HandlerGroup<
  'samples.list' | 'sample.get' | 'sample.setBox' | 'annotation.save' | 'annotation.undo' | 'annotation.redo'
> {
  return {
    'samples.list': (input) => {
      const { store } = deps.projects.get(input.project);
      const items = store.listSamples({ split: input.split, after: input.after, limit: input.limit });
      return { items: items.map(toRow), next: items.length === input.limit ? items.at(-1)!.id : null };
    },
    'sample.get': (input) => {
      const project = deps.projects.get(input.project);
      const sample = project.store.requireSample(input.sampleId);
      const dataset = project.store.getDataset(sample.datasetId);
      return {
        sample: toRow(sample),
        skeleton: dataset?.skeletonId ?? project.skeletonId,
        intrinsics: dataset?.intrinsics ? (JSON.parse(dataset.intrinsics) as Intrinsics) : null,
        annotation: project.store.annotations.get(sample.id),
        history: project.store.annotations.history(sample.id),
      };
    },
    'sample.setBox': (input) => {
      const { store } = deps.projects.get(input.project);
      const sample = store.requireSample(input.sampleId);
      if (sample.modality !== 'rgb')
        throw new AppError(
          'invalid_input',
          `sample ${sample.id} is a depth frame: boxes are for RGB people`,
          'sampleId',
        );
      store.setBox(sample.id, input.box);
      return toRow(store.requireSample(sample.id));
    },
    'annotation.save': (input, ctx) => {
      const project = deps.projects.get(input.project);
      const { store } = project;
      const sample = store.requireSample(input.sampleId);
      checkAnnotation(sample, project.skeleton.joints.length, input.joints, input.secondsSpent);
      return store.annotations.save({
        sampleId: input.sampleId,
        joints: input.joints,
        baseRevision: input.baseRevision,
        status: input.status,
        annotatorId: store.accounts.idOf(ctx.annotator),
        secondsSpent: input.secondsSpent,
        fromPredictionId: input.fromPredictionId,
      });
    },
    'annotation.undo': (input, ctx) => {
      const { store } = deps.projects.get(input.project);
      store.requireSample(input.sampleId);
      return store.annotations.undo(input.sampleId, store.accounts.idOf(ctx.annotator));
    },
    'annotation.redo': (input, ctx) => {
      const { store } = deps.projects.get(input.project);
      store.requireSample(input.sampleId);
      return store.annotations.redo(input.sampleId, store.accounts.idOf(ctx.annotator));
    },
  };
}
