import { CommanderError } from 'commander';
import { createShellApp } from '../runtime';
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
  const program = buildProgram((pinned) => createShellApp({ pinned }), io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors (unknown option, missing argument) exit 2
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return result.exitCode;
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
