import { join } from 'node:path';
import type { ViewpointSet } from '../datasets';
import { writeHumanSynthDataset } from '../datasets/node';
import type { OpContext } from './context';
import { importDataset } from './data-ops';
import { generateSynth } from './synth-ops';
import type { Project } from './project';

/**
 * The embedded demo: synthetic depth hands (hand skeletons) or synthetic RGB people (human skeletons) in the
 * situation active learning exists for. The labelled seed set shows only two pose families; the pool (labels hidden, kept as the oracle) and the test split mix every
 * pose family, so a model trained on the seed set fails on the families it has not seen.
 */
export const DEMO_SIZES = {
  tiny: { seed: 24, pool: 60, test: 24 },
  standard: { seed: 80, pool: 500, test: 150 },
} as const;

export type DemoSize = keyof typeof DEMO_SIZES;

/** The labelled seed set's families: depth hands open and pointing; RGB people standing and walking. */
const SEED_FAMILIES = {
  depth: { open: 1, point: 1 },
  rgb: { standing: 1, walking: 1 },
} as const;

/** Side of the synthetic RGB demo images (px): people about 90 px tall, like LSP's 150 px at a smaller scale. */
const RGB_DEMO_SIZE = 128;

export async function populateDemo(
  project: Project,
  size: DemoSize,
  viewpoints: ViewpointSet,
  ctx: Pick<OpContext, 'signal' | 'progress'>,
): Promise<void> {
  const counts = DEMO_SIZES[size];
  const rgb = project.modality === 'rgb';
  const parts = [
    { name: 'seed', split: 'train', seed: 11, frames: counts.seed, seedSet: true },
    { name: 'pool', split: 'pool', seed: 12, frames: counts.pool, seedSet: false },
    { name: 'test', split: 'test', seed: 13, frames: counts.test, seedSet: false },
  ] as const;
  for (const [i, part] of parts.entries()) {
    const dir = join(project.dir, 'demo-data', part.name);
    ctx.progress({
      fraction: i / parts.length,
      stage: 'demo',
      message: `rendering ${part.frames} ${part.name} frames`,
    });
    if (rgb) {
      const families = part.seedSet ? { families: SEED_FAMILIES.rgb } : {};
      await writeHumanSynthDataset(dir, {
        seed: part.seed,
        size: RGB_DEMO_SIZE,
        splits: [{ name: 'train', frames: part.frames, ...families }],
        signal: ctx.signal,
      });
    } else {
      const families = part.seedSet ? { families: SEED_FAMILIES.depth } : {};
      await generateSynth(dir, {
        frames: part.frames,
        seed: part.seed,
        camera: 'icvl',
        viewpoints,
        splits: [{ name: 'train', frames: part.frames, ...families }],
      });
    }
    await importDataset(
      project,
      {
        format: rgb ? 'coco' : 'generic',
        root: dir,
        split: part.split,
        hideLabels: part.split === 'pool',
        name: `demo ${part.name}`,
      },
      ctx,
    );
  }
}
