import { Command, InvalidArgumentError, Option } from 'commander';
import { operations, type OpName, type OperationSpec } from '@shared/contract';
import { toErrorPayload } from '@shared/errors';
import { localAnnotator } from '../environment';
import type { MakeApp } from './io';
import { coerce, objectFields } from './options';
import { formatHuman, formatProgress } from './format';
import { serveCommand } from './serve';
import { exitCodeFor, type CliIo, type CliResult } from './io';

/**
 * Builds `poseloop` from the operation table: every operation with a `cli` entry becomes a sub-command whose
 * positional arguments and `--options` are read off its input schema. Shell-only commands (serve) sit beside them.
 */
export function buildProgram(makeApp: MakeApp, io: CliIo, result: CliResult): Command {
  const program = new Command('poseloop')
    .description('PoseLoop: pose annotation with a built-in active learner')
    .option('--annotator <name>', 'record edits under this annotator name')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  for (const [name, spec] of Object.entries(operations) as [OpName, OperationSpec][]) {
    if (spec.cli) addOperationCommand(program, name, spec, makeApp, io, result);
  }
  serveCommand(program, makeApp, io, result);
  return program;
}

function addOperationCommand(
  program: Command,
  name: OpName,
  spec: OperationSpec,
  makeApp: MakeApp,
  io: CliIo,
  result: CliResult,
): void {
  const cli = spec.cli!;
  const fields = objectFields(spec.input);
  const positional = cli.positional ?? [];
  const command = program.command(cli.command).description(spec.summary);
  for (const key of positional) {
    const field = fields.find((f) => f.key === key);
    command.argument(field?.required === false ? `[${key}]` : `<${key}>`, field?.description ?? key);
  }
  for (const field of fields.filter((f) => !positional.includes(f.key))) {
    // A switch that is on by default is offered as its negation (--no-augment), as commander spells it.
    const label =
      field.kind === 'boolean'
        ? `--${field.defaultValue === true ? 'no-' : ''}${field.flag}`
        : `--${field.flag} <${field.kind === 'number' ? 'n' : 'value'}>`;
    const negated = field.kind === 'boolean' && field.defaultValue === true;
    const option = new Option(
      label,
      negated ? `turn off the default: ${field.description}` : field.description,
    );
    if (field.choices) option.choices(field.choices as string[]);
    if (field.required && field.kind !== 'boolean') option.makeOptionMandatory();
    if (field.defaultValue !== undefined && field.kind !== 'boolean') option.default(field.defaultValue);
    if (field.kind === 'number') {
      option.argParser((raw) => {
        const value = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(value))
          throw new InvalidArgumentError(`"${raw}" is not a number`);
        return value;
      });
    }
    command.addOption(option);
  }
  command.option('--json', 'print machine-readable JSON on stdout');
  command.action(async (...args: unknown[]) => {
    const opts = command.opts<Record<string, unknown>>();
    const input: Record<string, unknown> = {};
    positional.forEach((key, i) => {
      if (args[i] !== undefined) input[key] = args[i];
    });
    for (const field of fields.filter((f) => !positional.includes(f.key))) {
      const raw = opts[camel(field.flag)];
      if (raw !== undefined) input[field.key] = coerce(field, raw);
    }
    await runOperation(
      name,
      spec,
      input,
      Boolean(opts.json),
      makeApp,
      io,
      result,
      program.opts<{ annotator?: string }>().annotator,
    );
  });
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

async function runOperation(
  name: OpName,
  spec: OperationSpec,
  input: Record<string, unknown>,
  json: boolean,
  makeApp: MakeApp,
  io: CliIo,
  result: CliResult,
  annotator: string | undefined,
): Promise<void> {
  const app = await makeApp();
  const controller = new AbortController();
  const onSigint = () => {
    io.stderr('\ncancelling…\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let lastLine = 0;
  try {
    const output = await app.call(name, input, {
      annotator: annotator ?? localAnnotator(),
      signal: controller.signal,
      onProgress: (p) => {
        const now = Date.now();
        if (!spec.job || (!io.interactive && now - lastLine < 2000 && p.fraction < 1)) return;
        lastLine = now;
        io.stderr(io.interactive ? `\r\x1b[K${formatProgress(p)}` : `${formatProgress(p)}\n`);
      },
    });
    if (spec.job && io.interactive) io.stderr('\r\x1b[K');
    io.stdout(json ? `${JSON.stringify(output)}\n` : `${formatHuman(output)}\n`);
  } catch (error) {
    const payload = toErrorPayload(error);
    if (json) io.stdout(`${JSON.stringify({ error: payload })}\n`);
    io.stderr(`poseloop ${spec.cli!.command}: ${payload.message}\n`);
    result.exitCode = exitCodeFor(payload.code);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await app.close();
  }
}
