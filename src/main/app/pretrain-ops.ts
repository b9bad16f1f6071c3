import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TrainSettings, type PretrainedManifest, type PretrainResult } from '@shared/contract';
import { AppError } from '@shared/errors';
import { VIEWPOINTS, type ViewpointSet } from '../datasets';
import { writeSynthDataset } from '../datasets/node';
import { poseloopPackage } from '../fs/package-root';
import {
  MANIFEST_FILE,
  pipelineFor,
  projectTrainingSet,
  sha256,
  SHIPPED_DEPTH_MODEL,
  shippedModelsDir,
} from '../loop';
import type { HandlerGroup, OpContext } from './context';
import { importDataset } from './data-ops';
import type { AppDeps } from './deps';
import { ProjectRegistry } from './project';

export interface PretrainRequest {
  out?: string | undefined;
  frames: number;
  testFrames: number;
  epochs: number;
  seed: number;
  viewpoints: ViewpointSet;
}

/** The generator's camera for the pretraining corpus (ICVL's, like the demo's). */
const CAMERA = 'icvl';

function gitCommit(): string | null {
  try {
    const dir = poseloopPackage()?.dir;
    return dir ? execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim() : null;
  } catch {
    return null; // not a git checkout (a packaged app)
  }
}

/**
 * Pretrains the `fast` DeepPrior on a synthetic corpus from our generator (train and held-out test frames drawn from
 * different seeds) and writes the checkpoint with its manifest: the command that remakes it, the data, the metrics
 * on the held-out frames and each file's sha256. Runs in a scratch project that is deleted afterwards.
 */
export async function pretrainDepth(request: PretrainRequest, ctx: OpContext): Promise<PretrainResult> {
  const out = resolve(request.out ?? join(shippedModelsDir(), SHIPPED_DEPTH_MODEL));
  const started = performance.now();
  const work = await mkdtemp(join(tmpdir(), 'poseloop-pretrain-'));
  const registry = new ProjectRegistry();
  try {
    const data = join(work, 'data');
    ctx.progress({
      fraction: 0,
      stage: 'generate',
      message: `rendering ${request.frames} + ${request.testFrames} frames`,
    });
    const synth = { rotation: VIEWPOINTS[request.viewpoints] };
    await writeSynthDataset(join(data, 'train'), {
      seed: request.seed,
      camera: CAMERA,
      splits: [{ name: 'train', frames: request.frames }],
      synth,
    });
    await writeSynthDataset(join(data, 'test'), {
      seed: request.seed + 1,
      camera: CAMERA,
      splits: [{ name: 'train', frames: request.testFrames }],
      synth,
    });
    const project = registry.create(join(work, 'project'), { name: 'pretrain', skeleton: 'hand21' });
    for (const split of ['train', 'test'] as const)
      await importDataset(
        project,
        { format: 'generic', root: join(data, split), split, hideLabels: false },
        ctx,
      );
    const settings = TrainSettings.parse({ preset: 'fast', epochs: request.epochs, seed: request.seed });
    const result = await pipelineFor(project).train(
      project,
      settings,
      { roundId: null, set: projectTrainingSet(project), record: false },
      ctx,
      [0.05, 0.98],
    );
    if (result.model !== 'deepprior')
      throw new AppError('internal', 'pretraining expected a DeepPrior model');
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await cp(result.checkpoint, out, { recursive: true });
    const files = [];
    for (const name of (await readdir(out)).sort())
      files.push({
        name,
        bytes: (await stat(join(out, name))).size,
        sha256: sha256(await readFile(join(out, name))),
      });
    const seconds = (performance.now() - started) / 1000;
    const manifest: PretrainedManifest = {
      format: 'poseloop-pretrained-model',
      version: 1,
      name: SHIPPED_DEPTH_MODEL,
      label: 'DeepPrior fast, synthetic hands',
      model: 'deepprior',
      skeleton: 'hand21',
      command: `poseloop pretrain --frames ${request.frames} --test-frames ${request.testFrames} --epochs ${request.epochs} --seed ${request.seed} --viewpoints ${request.viewpoints}`,
      poseloop: { version: poseloopPackage()?.version ?? 'unknown', commit: gitCommit() },
      data: {
        generator: 'poseloop synth (datasets/synth)',
        camera: CAMERA,
        viewpoints: request.viewpoints,
        trainFrames: result.trainSamples,
        testFrames: result.testSamples,
        seed: request.seed,
      },
      training: {
        preset: result.preset,
        epochs: result.epochs,
        seed: request.seed,
        backend: result.backend,
        seconds,
        samplesPerSecond: result.trainSamplesPerSecond,
      },
      metrics: {
        testErrorMm: result.testErrorMm,
        meanPoseErrorMm: result.meanPoseErrorMm,
        framesWithin20Mm: result.framesWithin20Mm,
        framesWithin40Mm: result.framesWithin40Mm,
      },
      files,
    };
    await writeFile(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return { out, manifest, seconds };
  } finally {
    registry.closeAll();
    await rm(work, { recursive: true, force: true });
  }
}

export function pretrainHandlers(_deps: AppDeps): HandlerGroup<'model.pretrain'> {
  return { 'model.pretrain': (input, ctx) => pretrainDepth(input, ctx) };
}
