import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { isOpName, operations, type BinaryResult, type OpName, type PoseLoopEvent } from '@shared/contract';
import { AppError, toErrorPayload, type ErrorCode } from '@shared/errors';
import type { Role } from '@shared/contract';
import type { App } from '../../app';
import { CONTENT_SECURITY_POLICY } from '../csp';
import { checkRequest, hostsFor, requireJson } from './guard';
import { LOGIN_PAGE, readLoginToken } from './login';

/** Largest accepted request body; operation inputs are small (images never travel up). */
export const MAX_BODY_BYTES = 1 << 20;

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  io: 500,
  not_found: 404,
  conflict: 409,
  busy: 409,
  cancelled: 409,
  unsupported: 422,
  internal: 500,
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface HttpShellOptions {
  app: App;
  host: string;
  port: number;
  /** Built renderer (out/renderer); null serves the API alone. */
  rendererDir: string | null;
  /** Annotator recorded for unauthenticated loopback requests. */
  localAnnotator: string;
  /** Resolves a bearer token to an annotator and their role; required when binding beyond loopback. */
  authenticate?: (token: string) => { name: string; role: Role } | null;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Binds the operation table to HTTP: `POST /api/op/:name`, `POST /api/jobs/:name`, `GET /api/events` (SSE). */
export async function startHttpShell(options: HttpShellOptions): Promise<RunningServer> {
  const { app } = options;
  const requireAuth = !isLoopback(options.host);
  if (requireAuth && !options.authenticate) {
    throw new AppError(
      'unauthorized',
      `refusing to serve on ${options.host} without authentication: create an annotator account first ` +
        '(poseloop annotator-add <project> --name NAME) or bind to 127.0.0.1',
      'host',
    );
  }
  const sseClients = new Set<ServerResponse>();
  const unsubscribe = app.subscribe((event: PoseLoopEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  /** Token holders act with their account's role; the machine's own user (loopback, no token) is the lead. */
  const identify = (req: IncomingMessage): { annotator: string; role: Role } => {
    const token = bearerToken(req);
    if (token && options.authenticate) {
      const who = options.authenticate(token);
      if (!who) throw new AppError('unauthorized', 'unknown or revoked access token');
      return { annotator: who.name, role: who.role };
    }
    if (requireAuth)
      throw new AppError('unauthorized', 'this server needs an access token (Authorization: Bearer …)');
    const named = req.headers['x-poseloop-annotator'];
    const annotator =
      typeof named === 'string' && /^[\w .@-]{1,100}$/.test(named) ? named : options.localAnnotator;
    return { annotator, role: 'lead' };
  };
  let boundHosts: Set<string> | null = null;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, error));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkRequest(req, boundHosts);
    const url = new URL(req.url ?? '/', 'http://local');
    const path = decodePath(url.pathname);
    if (path === '/login') return login(req, url, res);
    if (!path.startsWith('/api/')) return serveStatic(path, res);

    const caller = identify(req);
    if (path === '/api/session' && req.method === 'GET') {
      return sendJson(res, 200, {
        annotator: caller.annotator,
        role: caller.role,
        transport: 'http',
        pinnedProject: app.deps.projects.pinnedProject,
      });
    }
    if (path === '/api/events' && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    const match = /^\/api\/(op|jobs)\/([\w.-]+)$/.exec(path);
    if (!match || req.method !== 'POST') throw new AppError('not_found', `no route ${req.method} ${path}`);
    const [, kind, name] = match as unknown as [string, 'op' | 'jobs', string];
    if (!isOpName(name)) throw new AppError('not_found', `unknown operation "${name}"`);
    requireJson(req);
    const input = await readJsonBody(req);
    if (kind === 'jobs') return sendJson(res, 202, app.start(name, input, caller));

    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const output = await app.call(name as OpName, input, { ...caller, signal: controller.signal });
    if ('binary' in operations[name] && operations[name].binary)
      return sendBinary(res, output as unknown as BinaryResult);
    return sendJson(res, 200, output ?? null);
  }

  /**
   * Sign-in without the token in any URL (browser history, proxy logs, Referer): GET shows a form, the form POSTs
   * the token in its body, the answer sets an HttpOnly cookie and redirects to the app.
   */
  async function login(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    if (url.searchParams.has('token'))
      throw new AppError(
        'invalid_input',
        'tokens are not accepted in URLs (they stay in the browser history): open /login and paste the token',
        'token',
      );
    if (req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'cache-control': 'no-store',
      });
      res.end(LOGIN_PAGE);
      return;
    }
    if (req.method !== 'POST') throw new AppError('not_found', `no route ${req.method} /login`);
    const token = await readLoginToken(req);
    if (!options.authenticate?.(token)) throw new AppError('unauthorized', 'unknown or revoked access token');
    res.writeHead(303, {
      location: '/',
      'set-cookie': `poseloop_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
    });
    res.end();
  }

  function serveStatic(path: string, res: ServerResponse): void {
    const root = options.rendererDir;
    if (!root) throw new AppError('not_found', 'this server has no user interface built (run npm run build)');
    const relative = normalize(path === '/' ? '/index.html' : path).replace(/^([/\\])+/, '');
    const file = resolve(root, relative);
    if (!file.startsWith(resolve(root) + sep)) throw new AppError('not_found', 'not found');
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    res.writeHead(200, {
      'content-type': MIME[extname(target)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    createReadStream(target).pipe(res);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  boundHosts = hostsFor(options.host, address.port);
  return {
    server,
    url: `http://${host}:${address.port}/`,
    close: async () => {
      unsubscribe();
      for (const client of sseClients) client.end();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A malformed percent-escape (`/%E0%A4%A`) is the client's mistake: 400, not 500. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new AppError('invalid_input', `malformed percent-escape in the URL path ${path}`, 'path');
  }
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = /(?:^|;\s*)poseloop_token=([^;]+)/.exec(req.headers.cookie ?? '');
  return cookie ? decodeURIComponent(cookie[1]!) : null;
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new AppError('invalid_input', `request body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new AppError('invalid_input', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('invalid_input', 'request body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendBinary(res: ServerResponse, result: BinaryResult): void {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'x-poseloop-meta': encodeURIComponent(JSON.stringify(result.meta)),
    'cache-control': 'no-store',
  });
  res.end(Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength));
}

function sendError(res: ServerResponse, error: unknown): void {
  const payload = toErrorPayload(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, STATUS[payload.code], { error: payload });
}
