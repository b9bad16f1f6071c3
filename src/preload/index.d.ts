import type { PoseLoopBridge } from './channels';

declare global {
  interface Window {
    /** Present only inside the Electron window; the browser build talks HTTP instead. */
    poseloop?: PoseLoopBridge;
  }
}
export {};
