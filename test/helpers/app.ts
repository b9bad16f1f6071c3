import { join } from 'node:path';
import {
  createApp,
  EventBus,
  JobManager,
  ProjectRegistry,
  RecentProjects,
  type App,
} from '../../src/main/app';

/** An app wired like the shells' but with a private recent-projects file and a fixed backend name. */
export function testApp(dir: string, options: { pinned?: string } = {}): App {
  const events = new EventBus();
  const clock = () => new Date();
  return createApp({
    projects: new ProjectRegistry({ pinned: options.pinned, clock }),
    recent: new RecentProjects(join(dir, 'recent.json')),
    events,
    jobs: new JobManager(events, clock),
    clock,
    backendName: async () => 'test-backend',
  });
}
