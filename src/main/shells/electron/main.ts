import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  protocol,
  net,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import { pathToFileURL } from 'node:url';
import { isOpName, type OpName } from '@shared/contract';
import { AppError, toErrorPayload } from '@shared/errors';
import { createShellApp, locateRenderer, localAnnotator } from '../runtime';
import { CONTENT_SECURITY_POLICY } from '../csp';
import { rendererFile } from './renderer-file';
import { BRIDGE_CHANNELS, type BridgeReply, type BridgeRequest } from '@shared/bridge';

/**
 * The desktop window. It only relays: every request goes to the same operation table as HTTP and the CLI.
 * Hardening: sandboxed renderer, context isolation, no node integration, only our own `app://` pages (files inside
 * the renderer folder, served with a CSP header), no new windows, navigations and redirects away from the app are
 * stopped, every permission request (camera, notifications, …) is denied, external links go to the OS browser,
 * and IPC from any other frame is refused.
 */
const APP_ORIGIN = 'app://poseloop';

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

async function main(): Promise<void> {
  await app.whenReady();
  const rendererDir = locateRenderer();
  if (!rendererDir) throw new Error('renderer not built: run npm run build');
  protocol.handle('app', async (request) => {
    const file = rendererFile(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const poseloop = createShellApp();
  const annotator = localAnnotator();
  const isTrusted = (event: IpcMainInvokeEvent) =>
    event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`) === true;

  ipcMain.handle(BRIDGE_CHANNELS.call, async (event, request: BridgeRequest): Promise<BridgeReply> => {
    try {
      if (!isTrusted(event)) throw new AppError('unauthorized', 'request from an untrusted frame');
      if (typeof request?.name !== 'string' || !isOpName(request.name)) {
        throw new AppError('not_found', `unknown operation "${String(request?.name)}"`);
      }
      const name: OpName = request.name;
      const value = request.background
        ? poseloop.start(name, request.input, { annotator })
        : await poseloop.call(name, request.input, { annotator });
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toErrorPayload(error) };
    }
  });

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'PoseLoop',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const unsubscribe = poseloop.subscribe((event) => window.webContents.send(BRIDGE_CHANNELS.event, event));
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  };
  window.webContents.on('will-navigate', stayInApp);
  window.webContents.on('will-redirect', stayInApp);
  const project = process.argv
    .find((arg, i) => i > 0 && arg.startsWith('--project='))
    ?.slice('--project='.length);
  await window.loadURL(
    `${APP_ORIGIN}/index.html${project ? `#/project?path=${encodeURIComponent(project)}` : ''}`,
  );
  app.on('window-all-closed', () => {
    unsubscribe();
    void poseloop.close().then(() => app.quit());
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`poseloop: ${(error as Error).message}\n`);
  app.exit(1);
});
