import { CommanderError } from 'commander';
import { buildProgram } from './program';
import type { CliIo, CliResult } from './io';

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** Runs the CLI on argv (without `node script`); returns the exit code. Tests pass their own io. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const result: CliResult = { exitCode: 0 };
  // The app (and TF.js behind it) loads only when a command runs: `--help` and usage errors stay fast.
  const makeApp = async (pinned?: string) => (await import('../runtime')).createShellApp({ pinned });
  const program = buildProgram(makeApp, io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors (unknown option, missing argument) exit 2, with the JSON error
      // on stdout when --json was asked for (commander has already written the one-line message to stderr).
      if (error.exitCode === 0) return 0;
      if (argv.includes('--json')) io.stdout(`${JSON.stringify({ error: usageError(error) })}\n`);
      return 2;
    }
    throw error;
  }
  return result.exitCode;
}

/** A commander usage error as our error payload: code invalid_input, the option or argument named as the field. */
export function usageError(error: CommanderError): {
  code: 'invalid_input';
  message: string;
  field?: string;
} {
  const message = error.message.replace(/^error: /, '');
  const name = /option '--([\w-]+)/.exec(message)?.[1] ?? /argument '([\w-]+)'/.exec(message)?.[1];
  const field = name?.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return { code: 'invalid_input', message, ...(field ? { field } : {}) };
}

const invokedDirectly = process.argv[1] !== undefined && /cli\.(js|ts|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`poseloop: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
