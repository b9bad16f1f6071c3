import type { z } from 'zod';
import {
  isOpName,
  mayCall,
  operations,
  type Role,
  type JobInfo,
  type OpName,
  type OpOutput,
  type PoseLoopEvent,
} from '@shared/contract';
import { AppError } from '@shared/errors';
import type { Handler, Handlers, OpContext } from './context';
import type { AppDeps } from './deps';
import { projectHandlers } from './project-ops';
import { sampleHandlers } from './sample-ops';
import { dataHandlers } from './data-ops';
import { synthHandlers } from './synth-ops';
import { learningHandlers } from './model-ops';
import { pretrainHandlers } from './pretrain-ops';
import { qcHandlers } from './qc-ops';
import { roundHandlers } from './round-ops';
import { seedHandlers } from './seed-ops';
import { benchHandlers } from './bench';
import { exportHandlers } from './export-ops';
import { costHandlers } from './cost-ops';
import { evaluationHandlers } from './evaluation-ops';
import { simulate } from './simulate';
import { experimentHandlers } from './experiment-report';

export interface Caller {
  annotator: string;
  /** Default `lead`: the local user of the window, the CLI or a loopback server. */
  role?: Role;
  signal?: AbortSignal;
  onProgress?: OpContext['progress'];
}

export interface App {
  /** Validates the input with the contract's schema, runs the one handler, announces changed topics. */
  call<K extends OpName>(name: K, input: unknown, caller: Caller): Promise<OpOutput<K>>;
  /** Starts an operation as a background job (progress and result arrive as events). */
  start(name: OpName, input: unknown, caller: Caller): JobInfo;
  subscribe(listener: (event: PoseLoopEvent) => void): () => void;
  readonly deps: AppDeps;
  close(): Promise<void>;
}

/** Turns a schema failure into one clear message naming the field. */
export function parseInput<S extends z.ZodType>(name: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  throw new AppError('invalid_input', `${name}: ${field ? `${field}: ` : ''}${issue.message}`, field);
}

function buildHandlers(deps: AppDeps): Handlers {
  return {
    ...projectHandlers(deps),
    ...sampleHandlers(deps),
    ...dataHandlers(deps),
    ...synthHandlers(deps),
    ...learningHandlers(deps),
    ...pretrainHandlers(deps),
    ...qcHandlers(deps),
    ...roundHandlers(deps),
    ...seedHandlers(deps),
    ...benchHandlers(),
    ...exportHandlers(deps),
    ...costHandlers(deps),
    ...evaluationHandlers(deps),
    'experiment.simulate': (input, ctx) => simulate(deps.projects.get(input.project), input, ctx),
    ...experimentHandlers(deps),
    'jobs.list': () => deps.jobs.list(),
    'jobs.cancel': (input, ctx) => ({ cancelled: deps.jobs.cancel(input.jobId, ctx) }),
  };
}

/** The composition root of the app layer: one handler per operation, shared by every shell. */
export function createApp(deps: AppDeps): App {
  const handlers = buildHandlers(deps);
  const missing = Object.keys(operations).filter((name) => !(name in handlers));
  const extra = Object.keys(handlers).filter((name) => !isOpName(name));
  if (missing.length || extra.length) {
    throw new Error(`operation table and handlers differ: missing [${missing}] extra [${extra}]`);
  }

  async function run<K extends OpName>(name: K, input: unknown, ctx: OpContext): Promise<OpOutput<K>> {
    const spec = operations[name];
    const parsed = parseInput(name, spec.input, input);
    const handler = handlers[name] as Handler<K>;
    const output = await handler(parsed as never, ctx);
    if (spec.mutates && 'topics' in spec && spec.topics) {
      const project =
        typeof (parsed as { project?: unknown }).project === 'string'
          ? (parsed as { project: string }).project
          : null;
      deps.events.emit({ type: 'changed', project, topics: spec.topics });
    }
    return output;
  }

  const context = (caller: Caller, signal: AbortSignal, progress: OpContext['progress']): OpContext => ({
    annotator: caller.annotator,
    role: caller.role ?? 'lead',
    signal,
    progress,
  });

  /** Roles (issue 15): an annotator reads and edits, on a server pinned to its project; the rest is the lead's. */
  function authorize(name: OpName, caller: Caller): void {
    const role = caller.role ?? 'lead';
    if (role === 'lead') return;
    if (!mayCall(role, name))
      throw new AppError('forbidden', `${name} needs a lead account (${caller.annotator} is an ${role})`);
    if (deps.projects.pinnedProject === null)
      throw new AppError('forbidden', `${role} accounts work only on a server pinned to one project`);
  }

  return {
    deps,
    call(name, input, caller) {
      if (!isOpName(name)) throw new AppError('not_found', `unknown operation "${String(name)}"`);
      authorize(name, caller);
      const signal = caller.signal ?? new AbortController().signal;
      return run(name, input, context(caller, signal, caller.onProgress ?? (() => {})));
    },
    start(name, input, caller) {
      if (!isOpName(name)) throw new AppError('not_found', `unknown operation "${String(name)}"`);
      authorize(name, caller);
      const spec = operations[name];
      const parsed = parseInput(name, spec.input, input); // fail fast, before a job id exists
      const project =
        typeof (parsed as { project?: unknown }).project === 'string'
          ? (parsed as { project: string }).project
          : null;
      return deps.jobs.start(name, project, caller.annotator, (signal, progress) =>
        run(name, input, context(caller, signal, progress)),
      );
    },
    subscribe: (listener) => deps.events.subscribe(listener),
    async close() {
      await deps.jobs.cancelAll();
      deps.projects.closeAll();
    },
  };
}
