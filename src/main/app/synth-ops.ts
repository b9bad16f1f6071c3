import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppError } from '@shared/errors';
import { POSE_FAMILIES, VIEWPOINTS, type PoseFamily, type ViewpointSet } from '../datasets';
import { writeSynthDataset, type SynthSplit } from '../datasets/node';
import type { HandlerGroup } from './context';
import type { AppDeps } from './deps';

export function parseFamilies(list: string | undefined): Partial<Record<PoseFamily, number>> | undefined {
  if (!list) return undefined;
  const weights: Partial<Record<PoseFamily, number>> = {};
  for (const name of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(POSE_FAMILIES as readonly string[]).includes(name)) {
      throw new AppError(
        'invalid_input',
        `unknown pose family "${name}" (known: ${POSE_FAMILIES.join(', ')})`,
        'families',
      );
    }
    weights[name as PoseFamily] = 1;
  }
  return weights;
}

export async function generateSynth(
  out: string,
  options: {
    frames: number;
    seed: number;
    camera: 'icvl' | 'nyu' | 'bighand';
    viewpoints: ViewpointSet;
    splits: SynthSplit[];
  },
) {
  const started = performance.now();
  await writeSynthDataset(resolve(out), {
    seed: options.seed,
    camera: options.camera,
    splits: options.splits,
    synth: { rotation: VIEWPOINTS[options.viewpoints] },
  });
  return {
    out: resolve(out),
    frames: options.frames,
    framesPerSecond: options.frames / ((performance.now() - started) / 1000),
  };
}

export function synthHandlers(_deps: AppDeps): HandlerGroup<'synth.generate'> {
  return {
    'synth.generate': (input) =>
      generateSynth(input.out, {
        frames: input.frames,
        seed: input.seed,
        camera: input.camera,
        viewpoints: input.viewpoints,
        splits: [{ name: 'train', frames: input.frames, ...withFamilies(parseFamilies(input.families)) }],
      }),
  };
}

function withFamilies(
  families: Partial<Record<PoseFamily, number>> | undefined,
): Pick<SynthSplit, 'families'> {
  return families ? { families } : {};
}
