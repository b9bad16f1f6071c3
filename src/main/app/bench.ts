import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppError } from '@shared/errors';
import { benchHumanSynth, benchSynth } from '../datasets';
import { collectImport, openDatasetImport, writeSynthDataset } from '../datasets/node';
import { bench as benchLearner, benchHeatmap } from '../learner';
import { runSamplerBench } from '../samplers/node';
import { benchProjectOpen } from '../store';
import { writeFileAtomic } from '../fs/atomic';
import type { HandlerGroup, OpContext } from './context';

const SECTIONS = ['store', 'datasets', 'learner', 'samplers'] as const;
type Section = (typeof SECTIONS)[number];

function parseSections(list: string | undefined): Section[] {
  if (!list) return [...SECTIONS];
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new AppError(
        'invalid_input',
        `unknown bench section "${name}" (known: ${SECTIONS.join(', ')})`,
        'sections',
      );
    }
  }
  return names as Section[];
}

async function benchImport(
  frames: number,
): Promise<{ frames: number; writeFramesPerSecond: number; importFramesPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'poseloop-bench-import-'));
  try {
    const t0 = performance.now();
    await writeSynthDataset(dir, { seed: 3, splits: [{ name: 'train', frames }] });
    const t1 = performance.now();
    const records = await collectImport(await openDatasetImport('generic', dir, { checkImages: 'decode' }));
    const t2 = performance.now();
    return {
      frames: records.length,
      writeFramesPerSecond: frames / ((t1 - t0) / 1000),
      importFramesPerSecond: records.length / ((t2 - t1) / 1000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `poseloop bench`: every speed and memory target of the issues, measured in one run on this machine and written
 * to a results file. Ratios between entries of one run are what to compare across machines.
 */
export async function runBench(
  input: { out: string; quick: boolean; sections?: string },
  ctx: Pick<OpContext, 'signal' | 'progress'>,
) {
  const sections = parseSections(input.sections);
  const results: Record<string, unknown> = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: totalmem() / 2 ** 30,
      node: process.version,
    },
    quick: input.quick,
    startedAt: new Date().toISOString(),
  };
  const step = (i: number, message: string) =>
    ctx.progress({ fraction: i / sections.length, stage: 'bench', message });
  for (const [i, section] of sections.entries()) {
    if (ctx.signal.aborted) throw new AppError('cancelled', 'cancelled');
    step(i, section);
    if (section === 'store') results.store = benchProjectOpen(input.quick ? 30_000 : 300_000);
    if (section === 'datasets') {
      results.datasets = {
        synthFramesPerSecond: {
          icvl: benchSynth(input.quick ? 100 : 400, { camera: 'icvl' }),
          nyu: benchSynth(input.quick ? 50 : 200, { camera: 'nyu' }),
        },
        synthTargetFramesPerSecond: 200,
        humanSynthFramesPerSecond: {
          '128': benchHumanSynth(input.quick ? 100 : 400, { width: 128, height: 128 }),
          '256': benchHumanSynth(input.quick ? 50 : 200, { width: 256, height: 256 }),
        },
        import: await benchImport(input.quick ? 100 : 500),
      };
    }
    if (section === 'learner') {
      const fast = await benchLearner({
        preset: 'fast',
        signal: ctx.signal,
        poolFrames: input.quick ? { onnx: 16, tfjs: 4 } : { onnx: 256, tfjs: 48 },
        ...(input.quick ? { trainBatches: 2, mcSamples: 16, mcPasses: 4 } : {}),
      });
      const paper = await benchLearner({
        preset: 'paper',
        signal: ctx.signal,
        poolFrames: input.quick ? { onnx: 4, tfjs: 2 } : { onnx: 64, tfjs: 16 },
        ...(input.quick ? { trainBatches: 1, mcSamples: 8, mcPasses: 2 } : {}),
      });
      // The RGB heatmap model (stacked hourglass + auxiliary heads); the paper net is timed on few samples.
      const heatmapFast = await benchHeatmap({
        preset: 'fast',
        signal: ctx.signal,
        ...(input.quick ? { trainBatches: 2, mcSamples: 16, mcPasses: 4 } : {}),
      });
      const heatmapPaper = await benchHeatmap({
        preset: 'paper',
        batchSize: 1,
        signal: ctx.signal,
        ...(input.quick
          ? { trainBatches: 1, mcSamples: 4, mcPasses: 2 }
          : { trainBatches: 2, mcSamples: 8, mcPasses: 4 }),
      });
      results.learner = {
        fast,
        paper,
        heatmap: { fast: heatmapFast, paper: heatmapPaper },
        targets: {
          trainVsTorch: { paper: 1.5, fast: 1.0 },
          mcVsTorch: 1.5,
          onnxMcVsTorch: 2,
          pool10kSeconds: { fast: 300, paper: 900 },
        },
      };
    }
    if (section === 'samplers') {
      results.samplers = runSamplerBench(
        input.quick
          ? {
              candidates: 5_000,
              labelled: 2_500,
              budget: 250,
              candidateScale: [2_500, 5_000],
              labelledScale: [1_250, 2_500],
            }
          : {},
      );
    }
  }
  results.finishedAt = new Date().toISOString();
  const out = resolve(input.out);
  await writeFileAtomic(out, `${JSON.stringify(results, null, 2)}\n`);
  return { out, results };
}

export function benchHandlers(): HandlerGroup<'bench.run'> {
  return { 'bench.run': (input, ctx) => runBench(input, ctx) };
}
