import type { IncomingMessage } from 'node:http';
import { AppError } from '@shared/errors';

/**
 * What a web page in the user's browser must not be able to do to a PoseLoop server (issue 15):
 * - DNS rebinding: a page on evil.example re-resolves its name to 127.0.0.1 and reads our answers. The browser then
 *   sends `Host: evil.example`, so only requests naming the address we are bound to (or `localhost`) are served.
 * - CSRF: another site POSTs to us (a `text/plain` form body needs no CORS preflight). State is only changed by
 *   POSTs with a JSON body, and a request carrying a foreign `Origin` is refused outright.
 * Non-browser clients (the CLI, curl, tests) send no Origin and are unaffected.
 */
export function checkRequest(req: IncomingMessage, boundHosts: ReadonlySet<string> | null): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (boundHosts && !boundHosts.has(host))
    throw new AppError('unauthorized', `refused: Host "${host}" is not this server's address`, 'host');
  const origin = req.headers.origin;
  if (origin !== undefined && !sameHost(origin, boundHosts ?? new Set([host])))
    throw new AppError('unauthorized', `refused: a request from another site (${origin})`, 'origin');
}

/** Operations take JSON only: a form or `text/plain` body (what another site can send without asking) is refused. */
export function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new AppError(
      'invalid_input',
      'operation requests must be JSON (Content-Type: application/json)',
      'content-type',
    );
}

function sameHost(origin: string, allowedHosts: ReadonlySet<string>): boolean {
  try {
    return allowedHosts.has(new URL(origin).host.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * The `Host` values that name this server: for a loopback bind, the bound address, `localhost`, 127.0.0.1 and
 * [::1] with the port. Any other bind is a team server, reached by whatever LAN name people use: it accepts any
 * host name (null), since every request needs a token, which a rebinding page does not have (the cookie is kept
 * per host name, so the browser never sends it to evil.example).
 */
export function hostsFor(boundHost: string, port: number): Set<string> | null {
  const bare = boundHost.replace(/^\[|\]$/g, '');
  const loopback = bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
  if (!loopback) return null;
  const names = new Set<string>();
  const add = (name: string) => {
    names.add(`${name}:${port}`.toLowerCase());
    if (port === 80) names.add(name.toLowerCase()); // browsers omit the default port
  };
  for (const name of [bare.includes(':') ? `[${bare}]` : bare, 'localhost', '127.0.0.1', '[::1]']) add(name);
  return names;
}
