import { EventBus } from './events';
import { JobManager } from './jobs';
import { ProjectRegistry } from './project';
import { RecentProjects } from './recent';
import { createApp, type App } from './app';
import type { AppDeps } from './deps';

export { createApp, parseInput, type App, type Caller } from './app';
export type { AppDeps } from './deps';
export type { OpContext } from './context';
export { ProjectRegistry, Project, PROJECT_DB } from './project';
export { RecentProjects, userDir } from './recent';
export { EventBus } from './events';
export { JobManager } from './jobs';

/** The default wiring used by every shell; `pinned` restricts the app to one project (team server). */
export function createDefaultApp(options: {
  pinned?: string;
  recentFile?: string;
  backendName: () => Promise<string>;
}): App {
  const events = new EventBus();
  const clock = () => new Date();
  const deps: AppDeps = {
    projects: new ProjectRegistry({ pinned: options.pinned, clock }),
    recent: new RecentProjects(options.recentFile),
    events,
    jobs: new JobManager(events, clock),
    clock,
    backendName: options.backendName,
  };
  return createApp(deps);
}
