import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_CHANNELS, type BridgeReply, type PoseLoopBridge } from '../shared/bridge';
import type { PoseLoopEvent } from '@shared/contract';

const bridge = {
  call: (request) => ipcRenderer.invoke(BRIDGE_CHANNELS.call, request) as Promise<BridgeReply>,
  subscribe: (listener) => {
    const relay = (_event: IpcRendererEvent, payload: PoseLoopEvent) => listener(payload);
    ipcRenderer.on(BRIDGE_CHANNELS.event, relay);
    return () => ipcRenderer.removeListener(BRIDGE_CHANNELS.event, relay);
  },
  platform: process.platform,
} satisfies PoseLoopBridge;

contextBridge.exposeInMainWorld('poseloop', bridge);
