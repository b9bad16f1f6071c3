import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  createApp,
  EventBus,
  JobManager,
  ProjectRegistry,
  RecentProjects,
  type App,
} from '../../src/main/app';
import { tempDir } from './tmp';

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

/** What a suite's tests call: its app (set before the first test) in its temporary folder. */
export interface AppSuite {
  /** The suite's temporary folder (removed after it). */
  dir: string;
  app: App;
}

/**
 * A suite's fixture, registered in the calling describe: before its tests a test app in a fresh temporary folder,
 * prepared by `setup`; after them the app closed and the folder removed. `timeout` bounds the set-up (default: the
 * test project's hook timeout).
 */
export function appSuite(
  setup: (app: App, dir: string) => Promise<void> = async () => {},
  timeout?: number,
): AppSuite {
  const tmp = tempDir();
  const suite = { dir: tmp.dir } as AppSuite;
  beforeAll(async () => {
    suite.app = testApp(tmp.dir);
    await setup(suite.app, tmp.dir);
  }, timeout);
  afterAll(async () => {
    await suite.app?.close();
    tmp.cleanup();
  });
  return suite;
}

/**
 * appSuite over a tiny demo project at `<dir>/<name>` (default `demo`), made by the lead: the hand demo, or the people
 * demo with `skeleton: 'mpii16'`; `then` prepares more on it (labels, imports).
 */
export function demoSuite(
  options: {
    name?: string;
    skeleton?: string;
    timeout?: number;
    then?: (app: App, project: string) => Promise<void>;
  } = {},
): AppSuite & { project: string } {
  const { name = 'demo', skeleton, timeout, then } = options;
  const suite = appSuite(async (app) => {
    await app.call(
      'project.init',
      { dir: project, ...(skeleton ? { skeleton } : {}), demo: true, demoSize: 'tiny' },
      { annotator: 'lead' },
    );
    await then?.(app, project);
  }, timeout);
  const project = join(suite.dir, name);
  return Object.assign(suite, { project });
}

/** The smallest `simulate --recommend` run (one trial, two one-epoch stages, CoreSet against random). */
export const TINY_RECOMMEND = {
  recommend: true,
  samplers: 'coreset',
  trials: 1,
  rounds: 2,
  epochs: 1,
  mc: 2,
  preset: 'fast',
} as const;
