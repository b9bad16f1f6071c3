import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { OpParsedInput } from '@shared/contract';
import { AppError } from '@shared/errors';
import type { Joint } from '@shared/domain';
import { createRng, permutation } from '@shared/random';
import { writeFileAtomic } from '../fs/atomic';
import {
  acquire,
  checkSampler,
  pipelineFor,
  subProgress,
  type LearningPipeline,
  type TrainingSet,
} from '../loop';
import type { OpContext } from './context';
import type { Project } from './project';
import { learningCurvesSvg } from './curves-svg';

export type SimulateSettings = OpParsedInput<'experiment.simulate'>;

const RoundResult = z.object({
  sampler: z.string(),
  trial: z.number().int(),
  round: z.number().int(),
  labelled: z.number().int(),
  /** The test metric after this round's training (mm for depth, PCKh for RGB; NaN without a test split). */
  value: z.number(),
  /** Sample ids added after this round (empty after the last round). */
  picks: z.array(z.number().int()),
});
type RoundResult = z.infer<typeof RoundResult>;

const State = z.object({ settings: z.record(z.string(), z.unknown()), results: z.array(RoundResult) });

/** Oracle labels: what an annotator would have given (the visible annotation or the hidden ground truth). */
function oracle(project: Project): (id: number) => Joint[] | null {
  return (id) => project.store.annotations.get(id)?.joints ?? project.store.groundTruth(id);
}

function samplerList(pipeline: LearningPipeline, list: string | undefined): string[] {
  const names = list
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...pipeline.simulateSamplers];
  const unique = [...new Set(['random', ...names])];
  for (const name of unique) {
    try {
      checkSampler(pipeline, name);
    } catch (error) {
      throw new AppError('invalid_input', (error as Error).message, 'samplers');
    }
  }
  return unique;
}

/** The checkpoint folder a finished simulation round left in `dir`, or null (none, or already removed). */
function checkpointIn(dir: string): string | null {
  try {
    const name = readdirSync(dir).find((entry) => !entry.startsWith('.'));
    return name === undefined ? null : join(dir, name);
  } catch {
    return null;
  }
}

/** Per-labelled-count mean and population std of the test metric over trials, per sampler. */
export function learningCurves(results: readonly RoundResult[]) {
  const curves: Record<string, { labelled: number; mean: number; std: number; trials: number }[]> = {};
  for (const sampler of [...new Set(results.map((r) => r.sampler))]) {
    const rounds = [...new Set(results.filter((r) => r.sampler === sampler).map((r) => r.round))].sort(
      (a, b) => a - b,
    );
    curves[sampler] = rounds.map((round) => {
      const rows = results.filter((r) => r.sampler === sampler && r.round === round);
      const mean = rows.reduce((sum, r) => sum + r.value, 0) / rows.length;
      const variance = rows.reduce((sum, r) => sum + (r.value - mean) ** 2, 0) / rows.length;
      return { labelled: rows[0]!.labelled, mean, std: Math.sqrt(variance), trials: rows.length };
    });
  }
  return curves;
}

/**
 * A headless active-learning experiment (the papers' protocol): per trial a random seed set shared by every sampler
 * (paired pools), then rounds of train → evaluate on the test split → MC inference on the pool → pick `budget`
 * samples whose labels the oracle reveals. Each round fine-tunes the previous round's model of the same sampler and
 * trial (`fromScratch`: a fresh model every round, the papers' protocol), which is kept until the next round is done.
 * Results are saved after every round; a rerun with the same settings resumes where it stopped.
 */
export async function simulate(
  project: Project,
  settings: SimulateSettings,
  ctx: Pick<OpContext, 'signal' | 'progress'>,
) {
  const out = resolve(settings.out);
  const pipeline = pipelineFor(project);
  const samplers = samplerList(pipeline, settings.samplers);
  const { out: _out, ...recorded } = settings;
  const statePath = join(out, 'results.json');
  let results: RoundResult[] = [];
  try {
    const previous = State.parse(JSON.parse(readFileSync(statePath, 'utf8')));
    if (JSON.stringify(previous.settings) !== JSON.stringify(recorded)) {
      throw new AppError(
        'conflict',
        `${statePath} holds a run with other settings; choose another --out`,
        'out',
      );
    }
    results = previous.results;
  } catch (error) {
    if (error instanceof AppError) throw error;
  }
  const label = oracle(project);
  const universe = [...project.store.sampleIds('train'), ...project.store.sampleIds('pool')].filter(
    (id) => label(id) !== null,
  );
  const test = project.store.sampleIds('test');
  if (universe.length < settings.seedSize + settings.budget) {
    throw new AppError(
      'invalid_input',
      `only ${universe.length} labelled train/pool samples: too few for seed ${settings.seedSize} + budget ${settings.budget}`,
      'seedSize',
    );
  }
  if (test.length === 0)
    throw new AppError(
      'invalid_input',
      'the project has no test split to measure learning curves on',
      'project',
    );

  const total = settings.trials * samplers.length * settings.rounds;
  const save = () => writeFileAtomic(statePath, JSON.stringify({ settings: recorded, results }, null, 1));
  for (let trial = 0; trial < settings.trials; trial++) {
    const trialSeed = settings.seed * 1000 + trial;
    const order = permutation(universe.length, createRng(trialSeed));
    const seedSet = Array.from(order.subarray(0, settings.seedSize), (i) => universe[i]!);
    for (const sampler of samplers) {
      let labelled = [...seedSet];
      const scratchOf = (round: number) => join(out, 'models', `${sampler}-${trial}-${round}`);
      for (let round = 0; round < settings.rounds; round++) {
        const done = results.find((r) => r.sampler === sampler && r.trial === trial && r.round === round);
        if (done) {
          labelled = [...labelled, ...done.picks];
          continue;
        }
        if (ctx.signal.aborted)
          throw new AppError('cancelled', `cancelled; rerun with the same --out to resume`);
        const index = results.length;
        const span: [number, number] = [index / total, (index + 1) / total];
        const set: TrainingSet = { labelled, test, labelOf: label };
        const scratch = scratchOf(round);
        const previous = round > 0 ? checkpointIn(scratchOf(round - 1)) : null;
        const inLabelled = new Set(labelled);
        const { trained, picks } = await acquire(
          project,
          pipeline,
          {
            settings: { ...settings, sampler, seed: trialSeed + round },
            target: {
              roundId: null,
              set,
              checkpointDir: scratch,
              record: false,
              initialCheckpoint: previous === null ? null : { id: 0, path: previous },
            },
            // The last round only measures: nothing is picked after it.
            pool: round < settings.rounds - 1 ? () => universe.filter((id) => !inLabelled.has(id)) : null,
            persist: false,
          },
          {
            signal: ctx.signal,
            progress: (p) =>
              subProgress(
                ctx,
                span[0],
                span[1],
                `${sampler} trial ${trial + 1} round ${round + 1}`,
              )(p.fraction, { message: p.message }),
          },
        );
        const picked = picks?.map((pick) => pick.sampleId) ?? [];
        results.push({
          sampler,
          trial,
          round,
          labelled: labelled.length,
          value: pipeline.headline(trained),
          picks: picked,
        });
        await save();
        if (round > 0) rmSync(scratchOf(round - 1), { recursive: true, force: true });
        labelled = [...labelled, ...picked];
      }
    }
  }
  rmSync(join(out, 'models'), { recursive: true, force: true });
  const curves = learningCurves(results);
  const csv = [
    `sampler,trial,round,labelled,${pipeline.metric}`,
    ...results.map((r) => `${r.sampler},${r.trial},${r.round},${r.labelled},${r.value}`),
  ].join('\n');
  await writeFileAtomic(join(out, 'results.csv'), `${csv}\n`);
  const svg = learningCurvesSvg(
    Object.entries(curves).map(([name, points]) => ({
      name,
      points: points.map((p) => ({ x: p.labelled, mean: p.mean, std: p.std })),
    })),
    {
      title: `${project.name}: ${pipeline.metric === 'test_pckh' ? 'PCKh@0.5' : 'test error'} vs labels (${settings.trials} trials, mean ± std)`,
      x: 'labelled samples',
      y: pipeline.metric === 'test_pckh' ? 'PCKh@0.5 on the test split' : 'mean 3-D joint error (mm)',
    },
  );
  await writeFileAtomic(join(out, 'curves.svg'), svg);
  await writeFileAtomic(join(out, 'curves.json'), JSON.stringify(curves, null, 2));
  return {
    out,
    files: ['results.json', 'results.csv', 'curves.json', 'curves.svg'].map((f) => join(out, f)),
    metric: pipeline.metric,
    curves,
  };
}
