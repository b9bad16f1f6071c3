/** Issue 16 item 2: the project picker always offers the demos, however many projects were opened since. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecentProjects } from '../../../src/main/app/recent';
import { isLoopback } from '../../../src/main/shells/http/server';
import { tempDir } from '../../helpers/tmp';

describe('recent projects', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('lists the demos that exist first, then the recent projects without repeating them', async () => {
    const recent = new RecentProjects(join(tmp.dir, 'recent.json'));
    mkdirSync(join(tmp.dir, 'demo-rgb'));
    writeFileSync(join(tmp.dir, 'demo-rgb', 'project.sqlite'), '');
    const now = new Date('2026-01-01T00:00:00Z');
    await recent.touch({ path: join(tmp.dir, 'demo-rgb'), name: 'Demo: synthetic people (RGB)' }, now);
    for (let i = 0; i < 20; i++) await recent.touch({ path: join(tmp.dir, `p${i}`), name: `p${i}` }, now);
    expect(recent.list().map((e) => e.name)).not.toContain('Demo: synthetic people (RGB)');
    const listed = recent.listWithDemos();
    // The hand demo does not exist here: only the RGB one is offered, first.
    expect(listed[0]).toEqual({
      path: join(tmp.dir, 'demo-rgb'),
      name: 'Demo: synthetic people (RGB)',
      openedAt: '',
    });
    expect(listed.slice(1).map((e) => e.name)).toEqual(Array.from({ length: 20 }, (_, i) => `p${19 - i}`));
  });

  it('serves any project on loopback only', () => {
    expect(['127.0.0.1', 'localhost', '::1', '127.0.1.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '192.168.1.4'].map(isLoopback)).toEqual([false, false]);
  });
});
