import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentCell, ExperimentFile, OpOutput } from '@shared/contract';
import { AppError } from '@shared/errors';
import { writeFileAtomic } from '../fs/atomic';
import { overallEta, pickFrom, subProgress, trainAndScore, type LoopContext, type Scored } from '../loop';
import type { OpContext } from './context';
import { writeRecommendation, writeReport } from './experiment-report';
import type { Project } from './project';
import { planSimulation, resumeFrom, type SimulateInput } from './simulate-setup';
import { picksCost, stageStep, trialDraws } from './simulate-trial';

const cellKey = (c: Pick<ExperimentCell, 'trial' | 'sampler' | 'round'>) =>
  `${c.trial}/${c.sampler}/${c.round}`;

/** The checkpoint folder a finished simulation stage left in `dir`, or null (none, or already removed). */
function checkpointIn(dir: string): string | null {
  try {
    const name = readdirSync(dir).find((entry) => !entry.startsWith('.'));
    return name === undefined ? null : join(dir, name);
  } catch {
    return null;
  }
}

/** Results in a fixed order (trial, sampler as listed, stage), so a resumed file equals an uninterrupted one. */
function ordered(results: ExperimentCell[], samplers: readonly string[]): ExperimentCell[] {
  const rank = (c: ExperimentCell) => [c.trial, samplers.indexOf(c.sampler), c.round];
  return [...results].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/**
 * A headless active-learning experiment: per trial one seed set and one candidate draw per stage shared by every
 * sampler (paired), then stages of train → evaluate on the test split → MC inference on the candidates → pick
 * `budget` samples whose labels the oracle reveals, noting what the model's suggestions for them would have saved.
 * Every finished (trial, sampler, stage) is saved at once; rerunning the same command continues where it stopped.
 */
export async function simulate(
  project: Project,
  input: SimulateInput,
  ctx: Pick<OpContext, 'signal' | 'progress'>,
): Promise<OpOutput<'experiment.simulate'>> {
  const plan = planSimulation(project, input);
  const { out, pipeline, settings } = plan;
  const resultsPath = join(out, 'results.json');
  const results = resumeFrom(resultsPath, plan);
  const done = new Set(results.map(cellKey));
  const timingPath = join(out, 'run-time.json');
  const timing = readTiming(timingPath);
  const file = (): ExperimentFile => ({
    version: 2,
    project: project.name,
    metric: pipeline.metric,
    settings: { ...settings, trials: Math.max(plan.trials, ...results.map((r) => r.trial + 1)) },
    data: plan.data,
    jointTime: plan.jointTime,
    results: ordered(results, settings.samplers),
  });

  const total = plan.trials * settings.samplers.length * settings.rounds;
  const startedWith = done.size;
  const started = Date.now();
  // One ETA for the cells still to run in this call (earlier calls' cells are not timed again).
  const withEta: LoopContext = {
    signal: ctx.signal,
    progress: (p) => {
      const eta = overallEta(
        (p.fraction * total - startedWith) / (total - startedWith),
        (Date.now() - started) / 1000,
      );
      ctx.progress(eta === undefined ? p : { ...p, etaSeconds: eta });
    },
  };
  // Saves are chained so that two trials finishing at once cannot write an older file over a newer one.
  let saving = Promise.resolve();
  const save = () => {
    const json = `${JSON.stringify(file(), null, 1)}\n`;
    const times = `${JSON.stringify(timing, null, 1)}\n`;
    saving = saving.then(async () => {
      await writeFileAtomic(resultsPath, json);
      await writeFileAtomic(timingPath, times);
    });
    return saving;
  };
  const failed = new AbortController();
  const signal = AbortSignal.any([ctx.signal, failed.signal]);
  let firstError: unknown = null;
  const stopAll = (error: unknown) => {
    if (!failed.signal.aborted) firstError = error;
    failed.abort();
  };
  const runTrial = async (trial: number) => {
    const draws = trialDraws(plan, trial);
    const models = join(out, 'models');
    // Stage 0 trains on the trial's seed set with the trial's seed whatever the sampler: it is trained and scored
    // once (when some sampler still needs it) and ranked by each; its model stays until the trial is done.
    const startDir = join(models, `start-${trial}`);
    let start: Promise<Scored> | null = null;
    const scratchOf = (sampler: string, stage: number) =>
      stage === 0 ? startDir : join(models, `${sampler}-${trial}-${stage}`);
    const firstStage = (stageCtx: LoopContext) =>
      (start ??= (() => {
        rmSync(startDir, { recursive: true, force: true });
        const step = stageStep(plan, draws, settings.samplers[0]!, 0, draws.seedSet, {
          previous: null,
          dir: startDir,
        });
        return trainAndScore(project, pipeline, step, stageCtx);
      })());
    // Each stage fine-tunes the same chain's previous model (kept until the next stage is saved, so a resumed run
    // finds it) unless the settings train from scratch (the papers' protocol). A first-stage model missing on resume
    // is trained again (deterministic); a later one cannot be, and continuing without it would change the protocol.
    const previousModel = async (sampler: string, round: number, stageCtx: LoopContext) => {
      const dir = scratchOf(sampler, round - 1);
      if (settings.fromScratch || checkpointIn(dir) !== null) return checkpointIn(dir);
      if (round === 1) {
        start = null;
        await firstStage(stageCtx);
        return checkpointIn(dir);
      }
      throw new AppError(
        'conflict',
        `${dir}: the model that stage ${round + 1} of ${sampler} (trial ${trial + 1}) fine-tunes is gone; continue in a fresh --out`,
        'out',
      );
    };
    for (const sampler of settings.samplers) {
      let labelled = [...draws.seedSet];
      for (let round = 0; round < settings.rounds; round++) {
        const key = cellKey({ trial, sampler, round });
        if (done.has(key)) {
          labelled = [...labelled, ...results.find((r) => cellKey(r) === key)!.picks];
          continue;
        }
        if (signal.aborted)
          throw new AppError(
            'cancelled',
            `cancelled; rerun the same command to continue (results so far: ${resultsPath})`,
          );
        const stage = subProgress(
          withEta,
          done.size / total,
          (done.size + 1) / total,
          `trial ${trial + 1}/${plan.trials} · ${sampler} · stage ${round + 1}/${settings.rounds} (${labelled.length} labels)`,
        );
        const stageCtx: LoopContext = { signal, progress: (p) => stage(p.fraction, { message: p.message }) };
        const cellStart = Date.now();
        const step = stageStep(plan, draws, sampler, round, labelled, {
          previous: round > 0 ? await previousModel(sampler, round, stageCtx) : null,
          dir: scratchOf(sampler, round),
        });
        const scored = await (round === 0
          ? firstStage(stageCtx)
          : trainAndScore(project, pipeline, step, stageCtx));
        const picked =
          pickFrom(project, pipeline, scored, step.settings, stageCtx)?.map((p) => p.sampleId) ?? [];
        results.push({
          sampler,
          trial,
          round,
          labelled: labelled.length,
          value: pipeline.headline(scored.trained),
          picks: picked,
          cost: picksCost(plan, picked, scored.scored),
        });
        done.add(key);
        timing[key] = (Date.now() - cellStart) / 1000;
        await save();
        if (round > 1) rmSync(scratchOf(sampler, round - 1), { recursive: true, force: true });
        labelled = [...labelled, ...picked];
      }
      rmSync(scratchOf(sampler, settings.rounds - 1), { recursive: true, force: true });
    }
    rmSync(startDir, { recursive: true, force: true });
  };
  // Trials are independent (own draws, own seeds): `jobs` of them run at once, each learner job in its own worker.
  // A failing trial cancels the others (their finished cells stay saved) and its error is the one thrown.
  let nextTrial = 0;
  const lane = async () => {
    while (nextTrial < plan.trials) await runTrial(nextTrial++);
  };
  await Promise.all(Array.from({ length: Math.min(plan.jobs, plan.trials) }, () => lane().catch(stopAll)));
  await saving;
  if (failed.signal.aborted) throw firstError;
  rmSync(join(out, 'models'), { recursive: true, force: true });
  const report = await writeReport(out, file(), { target: input.target, timing });
  const extra = input.report
    ? await writeReport(input.report, file(), {
        target: input.target,
        timing,
        copyResults: true,
      })
    : null;
  if (settings.recommend) await writeRecommendation(project.dir, out, plan.universe.length, report.summary);
  // The recommendation first: it is what `simulate --recommend` prints at the top.
  const { recommendation, ...rest } = report.summary;
  return {
    recommendation,
    out,
    files: [resultsPath, timingPath, ...report.files, ...(extra?.files ?? [])],
    ...rest,
  };
}

/** Seconds each finished cell took (kept beside the results so they stay deterministic). */
function readTiming(path: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
