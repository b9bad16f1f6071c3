import type { JobInfo, OpInput, OpName, OpOutput, PoseLoopEvent } from '@shared/contract';
import { fromErrorPayload, isErrorPayload, type ErrorPayload } from '@shared/errors';

/** How the renderer reaches the operation table: the Electron preload bridge or HTTP + server-sent events. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  call(name: OpName, input: unknown, background: boolean): Promise<unknown>;
  subscribe(listener: (event: PoseLoopEvent) => void): () => void;
  /** Who the server records as the caller (HTTP only; the desktop window is the local annotator). */
  session?(): Promise<{ annotator: string } | null>;
}

/** The one typed API client every view uses; it does not know which transport it runs on. */
export class ApiClient {
  constructor(readonly transport: Transport) {}

  call<K extends OpName>(name: K, input: OpInput<K>): Promise<OpOutput<K>> {
    return this.transport.call(name, input, false) as Promise<OpOutput<K>>;
  }

  /** Starts a long operation as a job; progress and the result arrive as `job` events. */
  start<K extends OpName>(name: K, input: OpInput<K>): Promise<JobInfo> {
    return this.transport.call(name, input, true) as Promise<JobInfo>;
  }

  subscribe(listener: (event: PoseLoopEvent) => void): () => void {
    return this.transport.subscribe(listener);
  }

  /** The annotator name the server records for this client, or null when the transport does not say. */
  async session(): Promise<{ annotator: string } | null> {
    return this.transport.session ? this.transport.session() : null;
  }
}

function ipcTransport(bridge: NonNullable<Window['poseloop']>): Transport {
  return {
    kind: 'ipc',
    async call(name, input, background) {
      const reply = await bridge.call({ name, input, background });
      if (!reply.ok) throw fromErrorPayload(reply.error);
      return reply.value;
    },
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

function httpTransport(base: string): Transport {
  const listeners = new Set<(event: PoseLoopEvent) => void>();
  let source: EventSource | null = null;
  return {
    kind: 'http',
    async call(name, input, background) {
      const response = await fetch(`${base}api/${background ? 'jobs' : 'op'}/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      if (response.headers.get('content-type')?.startsWith('application/octet-stream')) {
        const meta = JSON.parse(
          decodeURIComponent(response.headers.get('x-poseloop-meta') ?? '%7B%7D'),
        ) as unknown;
        return { meta, bytes: new Uint8Array(await response.arrayBuffer()) };
      }
      const body = (await response.json()) as unknown;
      if (!response.ok) {
        const error = (body as { error?: ErrorPayload }).error;
        throw fromErrorPayload(
          isErrorPayload(error) ? error : { code: 'internal', message: `HTTP ${response.status}` },
        );
      }
      return body;
    },
    async session() {
      const response = await fetch(`${base}api/session`);
      if (!response.ok) return null;
      const body = (await response.json()) as { annotator?: unknown };
      return typeof body.annotator === 'string' ? { annotator: body.annotator } : null;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!source) {
        source = new EventSource(`${base}api/events`);
        source.onmessage = (message: MessageEvent<string>) => {
          const event = JSON.parse(message.data) as PoseLoopEvent;
          for (const l of listeners) l(event);
        };
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}

/** Chosen once at start-up: the preload bridge when present (Electron), else HTTP to the page's own origin. */
export function createClient(): ApiClient {
  return new ApiClient(
    window.poseloop ? ipcTransport(window.poseloop) : httpTransport(new URL('/', location.href).href),
  );
}
