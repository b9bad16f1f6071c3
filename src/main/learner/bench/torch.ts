import { execFile } from 'node:child_process';
import torchReferenceScript from './torch_ref.py?raw';
import type { DeepPriorConfig } from '../models/deepprior/types';

export type TorchReference =
  | { available: false; reason: string }
  | {
      available: true;
      torchVersion: string;
      trainSamplesPerSecond: number;
      mcSamplePassesPerSecond: number;
      /** TF.js speed / PyTorch speed (< 1: TF.js is slower). */
      trainRatio: number;
      mcRatio: number;
    };

interface Speeds {
  trainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
}

/** Python interpreters to try, in order: the one on PATH, then Debian's (where `apt install python3-torch` puts torch). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/** Runs the same net in PyTorch (CPU) when `python3 -c "import torch"` works; never required. */
export async function runTorchReference(
  config: DeepPriorConfig,
  sizes: { trainBatches: number; mcSamples: number; mcPasses: number },
  ours: Speeds,
): Promise<TorchReference> {
  let python: string | null = null;
  let probe = { stdout: '', error: 'no python3' as string | null };
  for (const candidate of PYTHONS) {
    probe = await run(candidate, ['-c', 'import torch; print(torch.__version__)']);
    if (probe.error === null) {
      python = candidate;
      break;
    }
  }
  if (python === null) return { available: false, reason: `python3 with torch not found (${probe.error})` };
  // The script travels inside the bundle as text and is fed to python on stdin.
  const reference = await run(python, ['-', JSON.stringify({ config, ...sizes })], torchReferenceScript);
  if (reference.error !== null)
    return { available: false, reason: `torch reference failed: ${reference.error}` };
  const speeds = JSON.parse(reference.stdout) as Speeds;
  return {
    available: true,
    torchVersion: probe.stdout.trim(),
    ...speeds,
    trainRatio: ours.trainSamplesPerSecond / speeds.trainSamplesPerSecond,
    mcRatio: ours.mcSamplePassesPerSecond / speeds.mcSamplePassesPerSecond,
  };
}

function run(
  command: string,
  args: string[],
  stdin?: string,
): Promise<{ stdout: string; error: string | null }> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { timeout: 600_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        resolve({
          stdout,
          error: error === null ? null : (stderr.trim().split('\n').pop() ?? error.message),
        });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}
