import type { App } from '../../app';
/** Where a command writes, and how the process ends: shared by the generated operation commands and `serve`. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress redraws in place). */
  interactive: boolean;
}

export interface CliResult {
  exitCode: number;
}

/** Exit codes: 0 ok, 1 failure, 2 bad input (argument, option or file). */
export function exitCodeFor(code: string): number {
  return code === 'invalid_input' || code === 'not_found' ? 2 : 1;
}

/** Opens the app for one command; asynchronous so that the CLI loads the app (and TF.js) only when a command runs. */
export type MakeApp = (pinned?: string) => Promise<App>;
