import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/shells/cli/main';
import { exitCodeFor } from '../../../src/main/shells/cli/io';
import { startHttpShell, type RunningServer } from '../../../src/main/shells/http/server';
import { hostsFor } from '../../../src/main/shells/http/guard';
import { rendererFile } from '../../../src/main/shells/electron/renderer-file';
import { diskError } from '../../../src/main/fs/disk-error';
import type { App } from '../../../src/main/app';
import { tempDir } from '../../helpers/tmp';
import { testApp } from '../../helpers/app';

const quiet = { stdout: () => {}, stderr: () => {}, interactive: false };

/** A raw request, so the test can send the Host, Origin and Content-Type an attacking page would. */
function send(
  server: RunningServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('loopback server: no web page can drive it', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'p');
  let app: App;
  let server: RunningServer;
  let host: string;

  beforeAll(async () => {
    process.env.POSELOOP_HOME = join(tmp.dir, 'home');
    expect(await runCli(['init', project, '--json'], quiet)).toBe(0);
    app = testApp(tmp.dir);
    server = await startHttpShell({
      app,
      host: '127.0.0.1',
      port: 0,
      rendererDir: null,
      localAnnotator: 'me',
    });
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await server.close();
    await app.close();
    tmp.cleanup();
  });

  const body = JSON.stringify({ project });

  it('refuses a DNS-rebinding page (foreign Host) on every route, including the session and events', async () => {
    for (const path of ['/api/session', '/api/events']) {
      const answer = await send(server, path, { headers: { host: 'evil.example' } });
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain(project);
    }
    const op = await send(server, '/api/op/project.info', {
      method: 'POST',
      headers: { host: 'evil.example:80', 'content-type': 'application/json' },
      body,
    });
    expect(op.status).toBe(401);
    expect(JSON.parse(op.body)).toMatchObject({ error: { code: 'unauthorized', field: 'host' } });
  });

  it('refuses cross-site POSTs: a foreign Origin, or a text/plain or form body', async () => {
    const foreign = await send(server, '/api/op/project.info', {
      method: 'POST',
      headers: { host, origin: 'https://evil.example', 'content-type': 'application/json' },
      body,
    });
    expect(foreign.status).toBe(401);
    expect(JSON.parse(foreign.body)).toMatchObject({ error: { field: 'origin' } });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const simple = await send(server, '/api/op/project.info', {
        method: 'POST',
        headers: { host, 'content-type': type },
        body,
      });
      expect(simple.status, type).toBe(400);
      expect(JSON.parse(simple.body)).toMatchObject({ error: { field: 'content-type' } });
    }
  });

  it('serves its own page: same Host, same Origin, localhost, JSON', async () => {
    const port = new URL(server.url).port;
    for (const name of [host, `localhost:${port}`]) {
      const ok = await send(server, '/api/op/project.info', {
        method: 'POST',
        headers: { host: name, origin: `http://${name}`, 'content-type': 'application/json' },
        body,
      });
      expect(ok.status, name).toBe(200);
    }
    const session = await send(server, '/api/session', { headers: { host } });
    expect(JSON.parse(session.body)).toMatchObject({ annotator: 'me', role: 'lead' });
  });

  it('answers a malformed percent-escape with 400, not 500', async () => {
    const answer = await send(server, '/api/op/%E0%A4%A', { method: 'POST', headers: { host } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid_input', field: 'path' } });
  });
});

describe('team server: roles, revoke, login', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'team');
  let app: App;
  let server: RunningServer;
  let leadToken: string;
  let annotatorToken: string;

  const cli = async (...args: string[]) => {
    let stdout = '';
    const code = await runCli(args, { ...quiet, stdout: (t) => (stdout += t) });
    return { code, stdout };
  };

  beforeAll(async () => {
    process.env.POSELOOP_HOME = join(tmp.dir, 'home');
    expect((await cli('init', project, '--json')).code).toBe(0);
    leadToken = (
      JSON.parse(
        (await cli('annotator-add', project, '--name', 'lee', '--role', 'lead', '--json')).stdout,
      ) as { token: string }
    ).token;
    annotatorToken = (
      JSON.parse((await cli('annotator-add', project, '--name', 'ann', '--json')).stdout) as { token: string }
    ).token;
    app = testApp(tmp.dir, { pinned: project });
    const { store } = app.deps.projects.get(project);
    server = await startHttpShell({
      app,
      host: '127.0.0.1',
      port: 0,
      rendererDir: null,
      localAnnotator: 'x',
      authenticate: (t) => store.accounts.byToken(t),
    });
  });
  afterAll(async () => {
    await server.close();
    await app.close();
    tmp.cleanup();
  });

  const op = (name: string, input: unknown, token: string, kind = 'op') =>
    send(server, `/api/${kind}/${name}`, {
      method: 'POST',
      headers: {
        host: new URL(server.url).host,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(input),
    });

  it("gives annotators read and edit only: accounts, imports, rounds, exports and synth are the lead's", async () => {
    const attempts: [string, unknown][] = [
      ['annotator.add', { project, name: 'mallory', role: 'lead' }],
      ['annotator.add', { project, name: 'lee', role: 'lead' }],
      ['dataset.import', { project, format: 'generic', root: '/etc' }],
      ['export.run', { project, format: 'coco', out: join(tmp.dir, 'x.json'), force: true }],
      ['synth.generate', { out: join(tmp.dir, 'synth'), frames: 1 }],
      ['round.run', { project, sampler: 'random', budget: 1 }],
      ['sampler.run', { sampler: 'random', input: '/etc/passwd', budget: 1 }],
    ];
    for (const [name, input] of attempts) {
      const answer = await op(name, input, annotatorToken);
      expect(answer.status, name).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'forbidden' } });
    }
    const started = await op('round.run', { project, sampler: 'random', budget: 1 }, annotatorToken, 'jobs');
    expect(started.status).toBe(403);
    expect((await op('project.info', { project }, annotatorToken)).status).toBe(200);
    const next = await op('queue.next', { project }, annotatorToken); // allowed; no queue yet
    expect([next.status, next.body]).toEqual([200, 'null']);
    expect((await op('annotator.list', { project }, leadToken)).status).toBe(200);
  });

  it("lets an annotator cancel only their own jobs; the lead cancels anyone's", async () => {
    const job = app.deps.jobs.start(
      'bench.run',
      null,
      'lee',
      (signal) => new Promise((done) => signal.addEventListener('abort', () => done(null))),
    );
    const refused = await op('jobs.cancel', { jobId: job.id }, annotatorToken);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.message).toMatch(/started by lee/);
    const cancelled = await op('jobs.cancel', { jobId: job.id }, leadToken);
    expect(JSON.parse(cancelled.body)).toEqual({ cancelled: true });
  });

  it('signs in without the token in any URL, and a revoked token stops working at once', async () => {
    const host = new URL(server.url).host;
    const inUrl = await send(server, `/login?token=${annotatorToken}`, { headers: { host } });
    expect(inUrl.status).toBe(400);
    const form = await send(server, '/login', { headers: { host } });
    expect(form.body).toMatch(/<form method="post" action="\/login">/);
    const posted = await send(server, '/login', {
      method: 'POST',
      headers: { host, origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(annotatorToken)}`,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/');
    const cookie = String(posted.headers['set-cookie']).split(';')[0]!;
    const session = await send(server, '/api/session', { headers: { host, cookie } });
    expect(JSON.parse(session.body)).toMatchObject({ annotator: 'ann', role: 'annotator' });

    const revoked = await cli('annotator-revoke', project, '--name', 'ann', '--json');
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ name: 'ann', revoked: true });
    expect((await send(server, '/api/session', { headers: { host, cookie } })).status).toBe(401);
    expect((await op('project.info', { project }, annotatorToken)).status).toBe(401);
    expect((await op('annotator.revoke', { project, name: 'nobody' }, leadToken)).status).toBe(404);
  });
});

describe('smaller hardening', () => {
  it('knows which Host names a loopback server answers to; a team server takes any (tokens guard it)', () => {
    expect([...hostsFor('127.0.0.1', 4173)!].sort()).toEqual(
      ['127.0.0.1:4173', '[::1]:4173', 'localhost:4173'].sort(),
    );
    expect(hostsFor('localhost', 80)).toContain('localhost');
    expect(hostsFor('0.0.0.0', 4173)).toBeNull();
    expect(hostsFor('192.168.1.5', 4173)).toBeNull();
  });

  it('confines app:// to files inside the renderer folder (a sibling sharing its prefix is outside)', () => {
    expect(rendererFile('/opt/out/renderer', 'app://poseloop/index.html')).toBe(
      '/opt/out/renderer/index.html',
    );
    expect(rendererFile('/opt/out/renderer', 'app://poseloop/..%2Frenderer-evil%2Fx.js')).toBeNull();
    expect(rendererFile('/opt/out/renderer', 'app://poseloop/%E0%A4%A')).toBeNull();
  });

  it('reports a full disk as an io error naming the path, which exits 1 (not 2, bad input)', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = diskError(full, '/data/out/train.txt') as { code: string; message: string; field: string };
    expect(error).toMatchObject({ code: 'io', field: '/data/out/train.txt' });
    expect(error.message).toMatch(/cannot write \/data\/out\/train\.txt: ENOSPC/);
    expect(exitCodeFor('io')).toBe(1);
    const missing = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    expect(diskError(missing, '/x')).toBe(missing);
  });
});
