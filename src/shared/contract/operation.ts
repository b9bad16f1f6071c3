import type { z } from 'zod';

/** What a view refreshes on. An operation lists the topics it changes; the shells broadcast them. */
export type Topic =
  'project' | 'samples' | 'annotations' | 'rounds' | 'queue' | 'models' | 'exports' | 'jobs';

export interface CliSpec {
  /** Sub-command words, e.g. `info` or `annotator add`. */
  command: string;
  /** Input fields taken as positional arguments, in order; the rest become `--options`. */
  positional?: readonly string[];
}

/**
 * One entry of the operation table (ts-rest style: plain data). The same entry drives Electron IPC, the HTTP
 * shell and the CLI; the app layer supplies exactly one handler for it.
 */
export interface OperationSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  input: I;
  output: O;
  /** Changes persisted state. */
  mutates: boolean;
  /** Long work: runs off the event loop as a job, reports progress and can be cancelled. */
  job?: boolean;
  /** The output is `{ meta, bytes }`: sent raw over HTTP, as a typed array over IPC, to a file from the CLI. */
  binary?: boolean;
  topics?: readonly Topic[];
  /** Present when the operation is reachable from the command line. */
  cli?: CliSpec;
}

export function defineOperations<T extends Record<string, OperationSpec>>(table: T): T {
  return table;
}

/** The output of a binary operation. */
export interface BinaryResult<M = Record<string, unknown>> {
  meta: M;
  bytes: Uint8Array;
}
