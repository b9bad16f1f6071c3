import { execFile } from 'node:child_process';
import torchReferenceScript from './torch_ref.py?raw';
import type { DeepPriorConfig } from '../models/deepprior/types';

export type TorchReference =
  | { available: false; reason: string }
  | {
      available: true;
      torchVersion: string;
      /** The interpreter that ran it. */
      python: string;
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

/** Environment variable naming a python with PyTorch (e.g. a venv's bin/python) for the comparison. */
export const TORCH_PYTHON_ENV = 'POSELOOP_TORCH_PYTHON';

/** Python interpreters to try: $POSELOOP_TORCH_PYTHON, the one on PATH, then Debian's (`apt install python3-torch`). */
function pythons(): string[] {
  const named = process.env[TORCH_PYTHON_ENV];
  return [...(named ? [named] : []), 'python3', '/usr/bin/python3'];
}

/**
 * Runs the same net in PyTorch (CPU, every core) with the interpreter whose torch is newest; never required. The
 * ratios compare `ours` (TF.js) with it.
 */
export async function runTorchReference(
  config: DeepPriorConfig,
  sizes: { trainBatches: number; mcSamples: number; mcPasses: number },
  ours: Speeds,
): Promise<TorchReference> {
  const found = await newestTorch();
  if ('reason' in found) return { available: false, reason: found.reason };
  // The script travels inside the bundle as text and is fed to python on stdin.
  const reference = await run(
    found.python,
    ['-', JSON.stringify({ config, ...sizes })],
    torchReferenceScript,
  );
  if (reference.error !== null)
    return { available: false, reason: `torch reference failed: ${reference.error}` };
  const speeds = JSON.parse(reference.stdout) as Speeds;
  return {
    available: true,
    torchVersion: found.version,
    python: found.python,
    ...speeds,
    trainRatio: ours.trainSamplesPerSecond / speeds.trainSamplesPerSecond,
    mcRatio: ours.mcSamplePassesPerSecond / speeds.mcSamplePassesPerSecond,
  };
}

/** Probes every candidate interpreter and keeps the one with the highest torch version. */
async function newestTorch(): Promise<{ python: string; version: string } | { reason: string }> {
  let best: { python: string; version: string } | null = null;
  const failures: string[] = [];
  for (const python of new Set(pythons())) {
    const probe = await run(python, ['-c', 'import torch; print(torch.__version__)']);
    const version = probe.stdout.trim();
    if (probe.error !== null || version === '') failures.push(`${python}: ${probe.error ?? 'no version'}`);
    else if (best === null || compareVersions(version, best.version) > 0) best = { python, version };
  }
  return best ?? { reason: `python3 with torch not found (${failures.join('; ')})` };
}

/** Numeric comparison of dotted versions ('2.13.0+cpu' > '1.13.1'). */
function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
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
