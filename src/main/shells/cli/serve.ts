import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { toErrorPayload } from '@shared/errors';
import { isLoopback, startHttpShell } from '../http/server';
import { locateRenderer, localAnnotator } from '../environment';
import { exitCodeFor, type CliIo, type CliResult, type MakeApp } from './io';

/** `poseloop serve <project>`: the HTTP shell for a browser (loopback: any project) or a team (pinned to one). */
export function serveCommand(program: Command, makeApp: MakeApp, io: CliIo, result: CliResult): void {
  program
    .command('serve')
    .description(
      'Serve the app and its API over HTTP (loopback needs no login; other addresses need tokens).',
    )
    .argument('<project>', 'project folder')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', '4173')
    .option('--open', 'open the page in a browser')
    .option('--json', 'print {"url"} as JSON once listening')
    .action(async (project: string, opts: { host: string; port: string; open?: boolean; json?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.stderr(`poseloop serve: --port: "${opts.port}" is not a port number\n`);
        result.exitCode = 2;
        return;
      }
      // On loopback the server is the user's own app: it serves any project they open (the demos side by side).
      // Bound beyond loopback it is a team server, pinned to this one project.
      const app = await makeApp(isLoopback(opts.host) ? undefined : project);
      try {
        const { store } = app.deps.projects.get(project);
        const running = await startHttpShell({
          app,
          host: opts.host,
          port,
          rendererDir: locateRenderer(),
          localAnnotator: localAnnotator(),
          authenticate: store.accounts.hasTokens() ? (token) => store.accounts.byToken(token) : undefined,
        });
        const page = `${running.url}#/home?path=${encodeURIComponent(app.deps.projects.pinnedProject ?? project)}`;
        io.stdout(
          opts.json
            ? `${JSON.stringify({ url: running.url, page })}\n`
            : `PoseLoop is serving ${project} at ${page}\n` +
                (isLoopback(opts.host) ? '' : `annotators sign in at ${running.url}login with their token\n`),
        );
        if (opts.open) openBrowser(page);
        await new Promise<void>((done) => {
          const stop = () => {
            void running.close().then(done);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } catch (error) {
        const payload = toErrorPayload(error);
        io.stderr(`poseloop serve: ${payload.message}\n`);
        result.exitCode = exitCodeFor(payload.code);
      } finally {
        await app.close();
      }
    });
}

function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {}); // no desktop browser: the URL is printed already
  child.unref();
}
