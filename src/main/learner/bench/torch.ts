import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/**
 * The script sits beside this file in the sources; the bundle does not ship it, so a packaged app reports the
 * reference as unavailable.
 */
function scriptPath(): string | null {
  const path = fileURLToPath(new URL('./torch_ref.py', import.meta.url));
  return existsSync(path) ? path : null;
}

/** Runs the same net in PyTorch (CPU) when `python3 -c "import torch"` works; never required. */
export async function runTorchReference(
  config: DeepPriorConfig,
  sizes: { trainBatches: number; mcSamples: number; mcPasses: number },
  ours: Speeds,
): Promise<TorchReference> {
  const script = scriptPath();
  if (script === null) return { available: false, reason: 'torch_ref.py is not shipped with this build' };
  const probe = await run('python3', ['-c', 'import torch; print(torch.__version__)']);
  if (probe.error !== null)
    return { available: false, reason: `python3 with torch not found (${probe.error})` };
  const args = JSON.stringify({ config, ...sizes });
  const reference = await run('python3', [script, args]);
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

function run(command: string, args: string[]): Promise<{ stdout: string; error: string | null }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 600_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({ stdout, error: error === null ? null : (stderr.trim().split('\n').pop() ?? error.message) });
    });
  });
}
