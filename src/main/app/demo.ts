import { join } from 'node:path';
import type { SynthSplit } from '../datasets/node';
import type { OpContext } from './context';
import { generateSynth, importDataset } from './data-ops';
import type { Project } from './project';

/**
 * The embedded demo: synthetic depth hands in the situation active learning exists for. The labelled seed set
 * shows only open and pointing hands; the pool (labels hidden, kept as the oracle) and the test split mix every
 * pose family, so a model trained on the seed set fails on the families it has not seen.
 */
export const DEMO_SIZES = {
  tiny: { seed: 24, pool: 60, test: 24 },
  standard: { seed: 80, pool: 500, test: 150 },
} as const;

export type DemoSize = keyof typeof DEMO_SIZES;

export async function populateDemo(
  project: Project,
  size: DemoSize,
  ctx: Pick<OpContext, 'signal' | 'progress'>,
): Promise<void> {
  const counts = DEMO_SIZES[size];
  const parts: {
    name: string;
    split: 'train' | 'pool' | 'test';
    seed: number;
    frames: number;
    families?: SynthSplit['families'];
  }[] = [
    { name: 'seed', split: 'train', seed: 11, frames: counts.seed, families: { open: 1, point: 1 } },
    { name: 'pool', split: 'pool', seed: 12, frames: counts.pool },
    { name: 'test', split: 'test', seed: 13, frames: counts.test },
  ];
  for (const [i, part] of parts.entries()) {
    const dir = join(project.dir, 'demo-data', part.name);
    ctx.progress({
      fraction: i / parts.length,
      stage: 'demo',
      message: `rendering ${part.frames} ${part.name} frames`,
    });
    await generateSynth(dir, {
      frames: part.frames,
      seed: part.seed,
      camera: 'icvl',
      splits: [{ name: 'train', frames: part.frames, ...(part.families ? { families: part.families } : {}) }],
    });
    await importDataset(
      project,
      {
        format: 'generic',
        root: dir,
        split: part.split,
        hideLabels: part.split === 'pool',
        name: `demo ${part.name}`,
      },
      ctx,
    );
  }
}
