import type { PoseLoopEvent } from './contract';
import type { ErrorPayload } from './errors';

/** The only two IPC channels: one request channel for the whole operation table, one event channel. */
export const BRIDGE_CHANNELS = { call: 'poseloop:op', event: 'poseloop:event' } as const;

export interface BridgeRequest {
  name: string;
  input: unknown;
  /** Start as a background job and return its JobInfo at once. */
  background?: boolean;
}

export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

/** What the preload exposes on `window.poseloop`: three functions, nothing else. */
export interface PoseLoopBridge {
  call(request: BridgeRequest): Promise<BridgeReply>;
  subscribe(listener: (event: PoseLoopEvent) => void): () => void;
  platform: string;
}
