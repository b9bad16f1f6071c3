import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic';

const RecentFile = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));
export type RecentEntry = z.infer<typeof RecentFile>[number];

/** Where per-user state lives: $POSELOOP_HOME, else ~/.poseloop. */
export function userDir(): string {
  return process.env.POSELOOP_HOME ?? join(homedir(), '.poseloop');
}

/** The list of recently opened projects, kept in a small JSON file written atomically. */
export class RecentProjects {
  constructor(private readonly file: string = join(userDir(), 'recent.json')) {}

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
