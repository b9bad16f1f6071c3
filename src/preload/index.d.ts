import type { PoseLoopBridge } from '../shared/bridge';

declare global {
  interface Window {
    /** Present only inside the Electron window; the browser build talks HTTP instead. */
    poseloop?: PoseLoopBridge;
  }
}
export {};
