import type { ProjectInfo } from '@shared/contract';
import type { DatasetRow } from '../store';
import type { AppDeps } from './deps';
import type { HandlerGroup } from './context';
import type { Project } from './project';
import { populateDemo } from './demo';
import { recoverRounds, toRoundSummary } from './round-ops';

export async function describeProject(project: Project, deps: AppDeps): Promise<ProjectInfo> {
  const { store } = project;
  recoverRounds(project);
  return {
    name: project.name,
    path: project.dir,
    skeleton: project.skeletonId,
    modality: project.modality,
    createdAt: store.getSetting('createdAt') ?? '',
    samples: store.counts(),
    datasets: store.listDatasets().map((d) => ({
      id: d.id,
      name: d.name,
      format: d.format,
      root: d.root,
      modality: d.modality,
      skeleton: d.skeletonId,
      samples: d.samples,
      import: {
        ...d.import.counts,
        state: importState(d.import, store.now()),
        error: d.import.error,
      },
    })),
    rounds: store.rounds.list().map(toRoundSummary),
    backend: await deps.backendName(),
  };
}

/** An import stops writing its progress when its process dies: a silent `running` one is interrupted. */
const IMPORT_SILENCE_SECONDS = 120;
function importState(state: DatasetRow['import'], now: string): DatasetRow['import']['state'] {
  const silent =
    state.updatedAt !== null && Date.parse(now) - Date.parse(state.updatedAt) > IMPORT_SILENCE_SECONDS * 1000;
  return state.state === 'running' && silent ? 'interrupted' : state.state;
}

async function opened(project: Project, deps: AppDeps): Promise<ProjectInfo> {
  await deps.recent.touch({ path: project.dir, name: project.name }, deps.clock());
  return describeProject(project, deps);
}

export function projectHandlers(
  deps: AppDeps,
): HandlerGroup<
  | 'project.init'
  | 'project.info'
  | 'projects.recent'
  | 'annotator.add'
  | 'annotator.list'
  | 'annotator.revoke'
> {
  return {
    'project.init': async (input, ctx) => {
      const project = deps.projects.create(input.dir, { name: input.name, skeleton: input.skeleton });
      if (input.demo) await populateDemo(project, input.demoSize, input.viewpoints, ctx);
      return opened(project, deps);
    },
    'project.info': async (input) => opened(deps.projects.get(input.project), deps),
    'projects.recent': () => deps.recent.listWithDemos(),
    'annotator.add': (input) => {
      const { id, token } = deps.projects.get(input.project).store.accounts.add(input.name, input.role);
      return { id, name: input.name, role: input.role, token };
    },
    'annotator.list': (input) => deps.projects.get(input.project).store.accounts.list(),
    'annotator.revoke': (input) => ({
      name: input.name,
      revoked: deps.projects.get(input.project).store.accounts.revoke(input.name),
    }),
  };
}
