import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, type OperationSpec } from '@shared/contract';
import { objectFields } from '../../../src/main/shells/cli/options';
import { runCli } from '../../../src/main/shells/cli/main';
import { MAX_BODY_BYTES, startHttpShell, type RunningServer } from '../../../src/main/shells/http/server';
import type { App } from '../../../src/main/app';
import { tempDir } from '../../helpers/tmp';
import { testApp } from '../../helpers/app';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    interactive: false,
  });
  return { code, stdout, stderr };
}

async function post(server: RunningServer, path: string, body: unknown) {
  const response = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('operation table', () => {
  it('names only real input fields as CLI positionals', () => {
    for (const [name, spec] of Object.entries(operations) as [string, OperationSpec][]) {
      const keys = objectFields(spec.input).map((f) => f.key);
      for (const positional of spec.cli?.positional ?? []) {
        expect(keys, `${name} positional ${positional}`).toContain(positional);
      }
    }
  });
});

describe('shells', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'p1');
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    process.env.POSELOOP_HOME = join(tmp.dir, 'home');
    expect((await cli(['init', project, '--name', 'Parity', '--json'])).code).toBe(0);
    app = testApp(tmp.dir);
    server = await startHttpShell({
      app,
      host: '127.0.0.1',
      port: 0,
      rendererDir: null,
      localAnnotator: 'tester',
    });
  });
  afterAll(async () => {
    await server.close();
    await app.close();
    tmp.cleanup();
  });

  it('answers project.info the same over HTTP and the CLI', async () => {
    const http = await post(server, '/api/op/project.info', { project });
    const viaCli = await cli(['info', project, '--json']);
    expect(http.status).toBe(200);
    expect(viaCli.code).toBe(0);
    const fromCli = JSON.parse(viaCli.stdout) as Record<string, unknown>;
    // The backend is resolved by each process's own learner; everything else must match exactly.
    expect({ ...fromCli, backend: 'x' }).toEqual({ ...http.body, backend: 'x' });
    expect(fromCli).toMatchObject({
      name: 'Parity',
      samples: { total: 0, labelled: 0, unlabelled: 0, test: 0 },
      rounds: [],
    });
  });

  it('reports bad input as JSON naming the field, never a stack trace', async () => {
    const bad = await post(server, '/api/op/samples.list', { project, limit: 5000 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', field: 'limit' });
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts:\d+/);
    const missing = await post(server, '/api/op/project.info', { project: join(tmp.dir, 'nope') });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', field: 'project' });
    const unknown = await post(server, '/api/op/no.such', {});
    expect(unknown.status).toBe(404);
    const garbage = await post(server, '/api/op/project.info', '{not json');
    expect(garbage.status).toBe(400);
  });

  it('refuses bodies over the size limit', async () => {
    const huge = await post(server, '/api/op/project.info', { project, pad: 'x'.repeat(MAX_BODY_BYTES) });
    expect(huge.status).toBe(400);
    expect(String((huge.body.error as { message: string }).message)).toMatch(/over \d+ bytes/);
  });

  it('exits non-zero with a one-line error naming the bad argument', async () => {
    const missing = await cli(['info', join(tmp.dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/not a PoseLoop project/);
    const badNumber = await cli(['samples', project, '--limit', 'many']);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/--limit/);
    const asJson = await cli(['info', join(tmp.dir, 'nope'), '--json']);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ error: { code: 'not_found', field: 'project' } });
  });

  it('answers a usage error with a JSON error on stdout when --json is given', async () => {
    const bad = await cli(['round', project, '--sampler', 'foo', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'invalid_input', field: 'sampler' } });
    expect(bad.stderr).toMatch(/'foo' is invalid/);
    const plain = await cli(['round', project, '--sampler', 'foo']);
    expect(plain.stdout).toBe('');
  });

  it('refuses to serve beyond loopback without authentication', async () => {
    await expect(
      startHttpShell({ app, host: '0.0.0.0', port: 0, rendererDir: null, localAnnotator: 'x' }),
    ).rejects.toThrow(/refusing to serve on 0\.0\.0\.0 without authentication/);
    const viaCli = await cli(['serve', project, '--host', '0.0.0.0', '--port', '0']);
    expect(viaCli.code).not.toBe(0);
    expect(viaCli.stderr).toMatch(/annotator-add/);
  });

  it('records edits against the token holder when authentication is on', async () => {
    const created = await cli(['annotator-add', project, '--name', 'dana', '--json']);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const pinned = testApp(tmp.dir, { pinned: project });
    const { store } = pinned.deps.projects.get(project);
    const secured = await startHttpShell({
      app: pinned,
      host: '127.0.0.1',
      port: 0,
      rendererDir: null,
      localAnnotator: 'x',
      authenticate: (t) => store.accounts.byToken(t),
    });
    try {
      const session = await fetch(new URL('/api/session', secured.url), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await session.json()).toMatchObject({ annotator: 'dana', pinnedProject: project });
      const wrong = await fetch(new URL('/api/session', secured.url), {
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(401);
      const other = await fetch(new URL('/api/op/project.info', secured.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ project: join(tmp.dir, 'elsewhere') }),
      });
      expect(other.status).toBe(401);
    } finally {
      await secured.close();
      await pinned.close();
    }
  });
});

describe('poseloop sample', () => {
  const tmp = tempDir();
  const input = join(tmp.dir, 't5.json');
  afterAll(() => tmp.cleanup());

  it('reproduces the spec vectors T5–T7 from the command line', async () => {
    // Spec T5: candidates 0–3, labelled 4–5, 2-D "skeletons" with per-coordinate std.
    writeFileSync(
      input,
      JSON.stringify({
        jointCount: 1,
        candidates: {
          mean: [
            [0.5, 0.1],
            [-0.4, 0.3],
            [0.1, -0.45],
            [-0.3, -0.35],
          ],
          std: [
            [0.05, 0.05],
            [0.6, 0.6],
            [0.1, 0.1],
            [0.2, 0.2],
          ],
        },
        labelled: {
          mean: [
            [0.05, 0.05],
            [-0.1, 0.4],
          ],
          std: [
            [0.1, 0.1],
            [0.1, 0.1],
          ],
        },
      }),
    );
    const picks = async (...args: string[]) => {
      const run = await cli(['sample', '--input', input, '--budget', '2', '--json', ...args]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { picks: number[] }).picks;
    };
    expect(await picks('--sampler', 'coreset')).toEqual([3, 0]);
    expect(await picks('--sampler', 'cke', '--eta', '0.3')).toEqual([0, 2]);
    expect(await picks('--sampler', 'cke', '--eta', '1')).toEqual([0, 1]);
    expect(await picks('--sampler', 'cke-alg1', '--eta', '0.3')).toEqual([3, 0]);
    expect(await picks('--sampler', 'cke-alg1', '--eta', '1')).toEqual([2, 0]);
    const bad = await cli(['sample', '--input', input, '--budget', '0', '--sampler', 'coreset']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/budget/);
  });
});
