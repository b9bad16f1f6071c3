import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PretrainedManifest, TrainSettings, type PretrainResult, type TrainResult } from '@shared/contract';
import { AppError } from '@shared/errors';
import { VIEWPOINTS, type ViewpointSet } from '../datasets';
import { writeHumanSynthDataset, writeSynthDataset } from '../datasets/node';
import { poseloopPackage } from '../fs/package-root';
import {
  MANIFEST_FILE,
  pipelineFor,
  projectTrainingSet,
  sha256,
  SHIPPED_MODELS,
  shippedModelsDir,
} from '../loop';
import type { HandlerGroup, OpContext } from './context';
import { importDataset } from './data-ops';
import type { AppDeps } from './deps';
import { ProjectRegistry } from './project';

export interface PretrainRequest {
  modality: 'depth' | 'rgb';
  out?: string | undefined;
  frames: number;
  testFrames: number;
  epochs: number;
  seed: number;
  /** Data-parallel training threads (default one per core): with the seed, what makes the weights again. */
  workers?: number | undefined;
  /** A pretrained model folder to continue training instead of fresh weights. */
  from?: string | undefined;
  viewpoints: ViewpointSet;
}

/** The generator's camera for the depth corpus (ICVL's, like the demo's). */
const CAMERA = 'icvl';

/** Side of the synthetic people images (px): the RGB demo's. */
const PEOPLE_SIZE = 128;

function gitCommit(): string | null {
  try {
    const dir = poseloopPackage()?.dir;
    return dir ? execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim() : null;
  } catch {
    return null; // not a git checkout (a packaged app)
  }
}

/** What differs between the two pretrained models: the corpus, its import format and the metrics kept. */
interface Corpus {
  name: string;
  label: string;
  skeleton: string;
  format: 'generic' | 'coco';
  data: Pick<PretrainedManifest['data'], 'camera' | 'viewpoints' | 'imageSize'>;
  write(dir: string, seed: number, frames: number): Promise<unknown>;
  metrics(result: TrainResult): PretrainedManifest['metrics'];
}

function corpusFor(request: PretrainRequest): Corpus {
  if (request.modality === 'rgb')
    return {
      name: SHIPPED_MODELS.rgb,
      label: 'Heatmap hourglass fast, synthetic people',
      skeleton: 'mpii16',
      format: 'coco',
      data: { imageSize: PEOPLE_SIZE },
      write: (dir, seed, frames) =>
        writeHumanSynthDataset(dir, { seed, size: PEOPLE_SIZE, splits: [{ name: 'train', frames }] }),
      metrics: (result): PretrainedManifest['metrics'] =>
        result.model === 'hourglass'
          ? {
              testPckh: result.testPckh,
              meanPosePckh: result.meanPosePckh,
              testPckhIgnoringSides: result.testPckhIgnoringSides,
            }
          : {},
    };
  const synth = { rotation: VIEWPOINTS[request.viewpoints] };
  return {
    name: SHIPPED_MODELS.depth,
    label: 'DeepPrior fast, synthetic hands',
    skeleton: 'hand21',
    format: 'generic',
    data: { camera: CAMERA, viewpoints: request.viewpoints },
    write: (dir, seed, frames) =>
      writeSynthDataset(dir, { seed, camera: CAMERA, splits: [{ name: 'train', frames }], synth }),
    metrics: (result): PretrainedManifest['metrics'] =>
      result.model === 'deepprior'
        ? {
            testErrorMm: result.testErrorMm,
            meanPoseErrorMm: result.meanPoseErrorMm,
            framesWithin20Mm: result.framesWithin20Mm,
            framesWithin40Mm: result.framesWithin40Mm,
          }
        : {},
  };
}

/**
 * The runs behind the pretrained model in `dir` (its manifest's earlier runs, then its own), refused with the folder's
 * name unless it holds this corpus's model.
 */
async function previousStages(
  dir: string,
  corpus: Corpus,
): Promise<{ dir: string; stages: NonNullable<PretrainedManifest['earlier']> }> {
  const path = join(dir, MANIFEST_FILE);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new AppError('invalid_input', `${path}: no pretrained model to continue (no manifest)`, 'from');
  });
  const parsed = PretrainedManifest.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new AppError(
      'invalid_input',
      `${path}: ${parsed.error.issues[0]?.path.join('.')} is invalid`,
      'from',
    );
  const previous = parsed.data;
  if (previous.name !== corpus.name)
    throw new AppError('invalid_input', `${path}: holds ${previous.name}, not ${corpus.name}`, 'from');
  const { command, poseloop, data, training, metrics } = previous;
  return { dir, stages: [...(previous.earlier ?? []), { command, poseloop, data, training, metrics }] };
}

/**
 * Pretrains the `fast` model of a modality (DeepPrior for depth hands, the heatmap hourglass for people) on a
 * synthetic corpus from our generators (train and held-out test frames drawn from different seeds) and writes the
 * checkpoint with its manifest: the command that remakes it, the data, the metrics on the held-out frames and each
 * file's sha256. Runs in a scratch project that is deleted afterwards.
 */
export async function pretrain(request: PretrainRequest, ctx: OpContext): Promise<PretrainResult> {
  const corpus = corpusFor(request);
  const out = resolve(request.out ?? join(shippedModelsDir(), corpus.name));
  // Read before anything is written: `--from` may name the output folder itself.
  const from = request.from === undefined ? null : await previousStages(resolve(request.from), corpus);
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
    await corpus.write(join(data, 'train'), request.seed, request.frames);
    await corpus.write(join(data, 'test'), request.seed + 1, request.testFrames);
    const project = registry.create(join(work, 'project'), { name: 'pretrain', skeleton: corpus.skeleton });
    for (const split of ['train', 'test'] as const)
      await importDataset(
        project,
        { format: corpus.format, root: join(data, split), split, hideLabels: false },
        ctx,
      );
    const settings = TrainSettings.parse({
      preset: 'fast',
      epochs: request.epochs,
      seed: request.seed,
      workers: request.workers,
    });
    const result = await pipelineFor(project).train(
      project,
      settings,
      {
        roundId: null,
        set: projectTrainingSet(project),
        record: false,
        initialCheckpoint: from === null ? null : { id: 0, path: from.dir },
      },
      ctx,
      [0.05, 0.98],
    );
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
    const depthFlag = request.modality === 'depth' ? ` --viewpoints ${request.viewpoints}` : '';
    const manifest: PretrainedManifest = {
      format: 'poseloop-pretrained-model',
      version: 1,
      name: corpus.name,
      label: corpus.label,
      model: result.model,
      skeleton: corpus.skeleton,
      command: `poseloop pretrain --modality ${request.modality} --frames ${request.frames} --test-frames ${request.testFrames} --epochs ${request.epochs} --seed ${request.seed}${depthFlag} --workers ${result.trainWorkers}${from === null ? '' : ` --from ${request.from}`}`,
      poseloop: { version: poseloopPackage()?.version ?? 'unknown', commit: gitCommit() },
      data: {
        generator: `poseloop synth (datasets/${request.modality === 'rgb' ? 'synth-rgb' : 'synth'})`,
        ...corpus.data,
        trainFrames: result.trainSamples,
        testFrames: result.testSamples,
        seed: request.seed,
      },
      training: {
        preset: result.preset,
        epochs: result.epochs,
        seed: request.seed,
        backend: result.backend,
        workers: result.trainWorkers,
        seconds,
        samplesPerSecond: result.trainSamplesPerSecond,
      },
      metrics: corpus.metrics(result),
      ...(from === null ? {} : { earlier: from.stages }),
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
  return { 'model.pretrain': (input, ctx) => pretrain(input, ctx) };
}
