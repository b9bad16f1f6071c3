import type { IncomingMessage } from 'node:http';
import { AppError } from '@shared/errors';

/** The sign-in form of a team server: the token is pasted, POSTed in the body, and never appears in a URL. */
export const LOGIN_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>PoseLoop: sign in</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
input{width:100%;font:inherit;padding:.4rem;margin:.5rem 0}button{font:inherit;padding:.4rem 1rem}</style></head>
<body><h1>PoseLoop</h1>
<form method="post" action="/login">
<label for="token">Access token (from your project lead)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form></body></html>
`;

const MAX_LOGIN_BYTES = 4096;

/** Reads `token` from a form (`application/x-www-form-urlencoded`) or JSON body. */
export async function readLoginToken(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOGIN_BYTES) throw new AppError('invalid_input', 'sign-in body too large', 'token');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let token: unknown = null;
  if (type === 'application/json') {
    try {
      token = (JSON.parse(body) as { token?: unknown }).token;
    } catch {
      throw new AppError('invalid_input', 'request body is not valid JSON', 'token');
    }
  } else if (type === 'application/x-www-form-urlencoded') {
    token = new URLSearchParams(body).get('token');
  }
  if (typeof token !== 'string' || token.length === 0)
    throw new AppError('invalid_input', 'sign in with a form or JSON body carrying "token"', 'token');
  return token;
}
