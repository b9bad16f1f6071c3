import { poseloopPackage } from '../fs/package-root';

/** PoseLoop's version from its package.json; 'unknown' if none is found. Shells may pass `appVersion` in AppDeps. */
export function packageVersion(): string {
  return poseloopPackage()?.version ?? 'unknown';
}
