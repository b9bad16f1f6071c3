import type { EventBus } from './events';
import type { JobManager } from './jobs';
import type { ProjectRegistry } from './project';
import type { RecentProjects } from './recent';

/** What the app layer needs from the world; each shell builds one (tests pass their own). */
export interface AppDeps {
  projects: ProjectRegistry;
  recent: RecentProjects;
  events: EventBus;
  jobs: JobManager;
  clock: () => Date;
  /** The TF.js backend the learner will use, e.g. `wasm (patched)`. */
  backendName: () => Promise<string>;
  /** PoseLoop's version, recorded in export manifests (default: read from package.json). */
  appVersion?: string;
}
