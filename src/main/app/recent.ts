import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic';
import { PROJECT_DB } from './project';

const RecentFile = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));
export type RecentEntry = z.infer<typeof RecentFile>[number];

/** Where per-user state lives: $POSELOOP_HOME, else ~/.poseloop. */
export function userDir(): string {
  return process.env.POSELOOP_HOME ?? join(homedir(), '.poseloop');
}

/** The demo projects `npm start` creates (hands, then people); listed while they exist. */
export function demoProjects(home = userDir()): Omit<RecentEntry, 'openedAt'>[] {
  return [
    { path: process.env.POSELOOP_DEMO_DIR ?? join(home, 'demo'), name: 'Demo: synthetic hands' },
    { path: join(home, 'demo-rgb'), name: 'Demo: synthetic people (RGB)' },
  ];
}

/** The list of recently opened projects, kept in a small JSON file written atomically. */
export class RecentProjects {
  constructor(
    private readonly file: string = join(userDir(), 'recent.json'),
    // The demos live beside the list (both in the user folder).
    private readonly demos: () => Omit<RecentEntry, 'openedAt'>[] = () => demoProjects(dirname(file)),
  ) {}

  /**
   * What the project picker offers: the demos that exist (however many other projects were opened since, so a
   * new user always finds both), then the recent projects, newest first.
   */
  listWithDemos(): RecentEntry[] {
    const recent = this.list();
    const demos = this.demos()
      .filter((d) => existsSync(join(d.path, PROJECT_DB)))
      .map((d) => recent.find((r) => r.path === d.path) ?? { ...d, openedAt: '' });
    return [...demos, ...recent.filter((r) => !demos.some((d) => d.path === r.path))];
  }

  list(): RecentEntry[] {
    try {
      return RecentFile.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      return []; // a missing or damaged list only loses the shortcuts, never a project
    }
  }

  async touch(entry: Omit<RecentEntry, 'openedAt'>, now: Date): Promise<void> {
    const rest = this.list().filter((e) => e.path !== entry.path);
    const next = [{ ...entry, openedAt: now.toISOString() }, ...rest].slice(0, 20);
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2));
  }
}
