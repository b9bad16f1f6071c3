import type { JobProgress, OpName, OpOutput, OpParsedInput, Role } from '@shared/contract';

/** Who is calling and how to report back; handed to every handler by whichever shell runs it. */
export interface OpContext {
  /** The annotator every edit is recorded against. */
  annotator: string;
  /** What the caller may do: `lead` for the desktop window, the CLI and an account-less loopback server. */
  role: Role;
  /** Aborted when the caller cancels (job cancel button, Ctrl-C in the CLI, closed HTTP request). */
  signal: AbortSignal;
  progress(progress: JobProgress): void;
}

export type Handler<K extends OpName> = (
  input: OpParsedInput<K>,
  ctx: OpContext,
) => Promise<OpOutput<K>> | OpOutput<K>;

/** Exactly one handler per operation of the contract: a missing or extra name is a type error. */
export type Handlers = { [K in OpName]: Handler<K> };

export type HandlerGroup<K extends OpName> = { [P in K]: Handler<P> };
