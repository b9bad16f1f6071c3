import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentFile, JointTime, OpParsedInput } from '@shared/contract';
import { ExperimentFile as ExperimentFileSchema } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { DEFAULT_JOINT_TIME } from '@shared/experiments';
import { checkSampler, pipelineFor, type LearningPipeline } from '../loop';
import type { Project } from './project';

export type SimulateInput = OpParsedInput<'experiment.simulate'>;

/** The papers' protocol (specs: Bayesian DeepPrior §6, VL4Pose cycles): fixed epochs, 10 stages, a 10 % subset. */
const PAPER = { epochs: { depth: 60, rgb: 100 }, rounds: 10, subset: 0.1 } as const;

/** Everything a run needs, with every default resolved: what is recorded in results.json and compared on resume. */
export interface SimulationPlan {
  out: string;
  pipeline: LearningPipeline;
  /** Resolved settings (not `out`, `report`, `target`, `trials`, `jobs`): a rerun must match them to continue. */
  settings: {
    recommend: boolean;
    protocol: 'default' | 'paper';
    samplers: string[];
    rounds: number;
    budget: number;
    seedSize: number;
    subset: number;
    epochs: number | null;
  } & Pick<
    SimulateInput,
    | 'variant'
    | 'preset'
    | 'seed'
    | 'unreviewed'
    | 'mc'
    | 'eta'
    | 'features'
    | 'patience'
    | 'maxEpochs'
    | 'fromScratch'
    | 'augment'
    | 'refine'
    | 'workers'
  >;
  trials: number;
  /** Trials run at once (not a setting: results do not depend on it). */
  jobs: number;
  universe: number[];
  test: number[];
  labelOf(id: number): Joint[] | null;
  data: ExperimentFile['data'];
  jointTime: JointTime;
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

/** Seconds per moved joint: given, else measured over this project's rounds (time of done labels per moved or placed joint). */
export function jointTimeOf(project: Project, given: number | undefined): JointTime {
  if (given !== undefined) return { secondsPerMovedJoint: given, source: 'given with --seconds-per-joint' };
  let seconds = 0;
  let joints = 0;
  let images = 0;
  for (const round of project.store.rounds.list()) {
    const { total } = project.store.cost.ofRound(round.id);
    seconds += (total.secondsPerImage ?? 0) * total.images;
    joints += total.joints.moved + total.joints.created;
    images += total.images;
  }
  if (joints === 0 || seconds === 0) return DEFAULT_JOINT_TIME;
  return {
    secondsPerMovedJoint: seconds / joints,
    source: `measured in this project: ${Math.round(seconds)} s over ${joints} moved or placed joints of ${images} labels`,
  };
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * Resolves a simulate call against its project: the universe (every labelled train/pool sample, the oracle revealing
 * hidden labels; with --recommend only the project's own labelled set and its labels), the test split, the
 * protocol's defaults, and the results folder.
 */
export function planSimulation(project: Project, input: SimulateInput): SimulationPlan {
  const pipeline = pipelineFor(project);
  const labelOf: (id: number) => Joint[] | null = input.recommend
    ? (id) => project.store.annotations.labelOf(id, input.unreviewed)
    : (id) => project.store.annotations.get(id)?.joints ?? project.store.groundTruth(id);
  const candidates = input.recommend
    ? project.store.sampleIds('train')
    : [...project.store.sampleIds('train'), ...project.store.sampleIds('pool')];
  const universe = candidates.filter((id) => labelOf(id) !== null);
  const test = project.store.sampleIds('test').filter((id) => labelOf(id) !== null);
  if (test.length === 0)
    throw new AppError(
      'invalid_input',
      'the project has no labelled test split to measure learning curves on',
      'project',
    );
  const paper = input.protocol === 'paper';
  const rounds = input.rounds ?? (paper ? PAPER.rounds : input.recommend ? 4 : 5);
  // --recommend spends at most half the labelled set, so the last stage still chooses among many candidates.
  const budget =
    input.budget ?? (input.recommend ? Math.max(1, Math.floor(universe.length / (2 * rounds))) : 100);
  const seedSize = input.seedSize ?? Math.max(2, budget);
  const needed = seedSize + budget * (rounds - 1);
  if (universe.length < needed)
    throw new AppError(
      'invalid_input',
      `only ${universe.length} labelled ${input.recommend ? 'train' : 'train/pool'} samples: too few for seed set ${seedSize} + ${rounds - 1} stages × budget ${budget} (${needed}); lower --budget, --seed-size or --rounds`,
      universe.length < seedSize ? 'seedSize' : 'budget',
    );
  const settings: SimulationPlan['settings'] = {
    recommend: input.recommend,
    protocol: input.protocol,
    samplers: samplerList(pipeline, input.samplers),
    rounds,
    budget,
    seedSize,
    subset: input.subset ?? (paper ? PAPER.subset : 1),
    epochs: input.epochs ?? (paper ? PAPER.epochs[pipeline.modality] : null),
    variant: input.variant,
    preset: input.preset,
    seed: input.seed,
    unreviewed: input.unreviewed,
    mc: input.mc,
    eta: input.eta,
    features: input.features,
    patience: input.patience,
    maxEpochs: input.maxEpochs,
    // The papers' protocol trains every stage from scratch; by default each stage fine-tunes the chain's last model.
    fromScratch: input.fromScratch || paper,
    augment: input.augment,
    refine: input.refine,
    // Only when given: a default run's settings (and results folder) stay those of the one-thread trainings.
    ...(input.workers === undefined ? {} : { workers: input.workers }),
  };
  const data = {
    universe: universe.length,
    test: test.length,
    fingerprint: hash([universe, test]).slice(0, 16),
  };
  const out = resolve(
    input.out ??
      join(
        project.dir,
        'experiments',
        `${input.recommend ? 'recommend' : 'simulate'}-${hash([settings, data]).slice(0, 10)}`,
      ),
  );
  return {
    out,
    pipeline,
    settings,
    trials: input.trials,
    jobs: input.jobs,
    universe,
    test,
    labelOf,
    data,
    jointTime: jointTimeOf(project, input.secondsPerJoint),
  };
}

/** Reads a results file, naming the file and the field when it does not parse. */
export function readExperimentFile(path: string): ExperimentFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `${path}: not a readable JSON file (${(error as Error).message})`,
      'results',
    );
  }
  const parsed = ExperimentFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(
      'invalid_input',
      `${path}: not a simulate results file of this version (${issue.path.join('.') || 'top level'}: ${issue.message})`,
      'results',
    );
  }
  return parsed.data;
}

const show = (value: unknown) => (Array.isArray(value) ? value.join(',') : JSON.stringify(value));

/**
 * The finished cells of an earlier run in the same folder, after checking it ran with these settings on this data;
 * otherwise a conflict naming each differing setting. No file: a fresh run.
 */
export function resumeFrom(path: string, plan: SimulationPlan): ExperimentFile['results'] {
  if (!existsSync(path)) return [];
  const previous = readExperimentFile(path);
  const differing = Object.entries(plan.settings)
    .filter(([key, value]) => show(previous.settings[key]) !== show(value))
    .map(([key, value]) => `${key} ${show(previous.settings[key])} there, ${show(value)} here`);
  if (previous.data.fingerprint !== plan.data.fingerprint)
    differing.push(
      `the data changed (${previous.data.universe} → ${plan.data.universe} samples, ${previous.data.test} → ${plan.data.test} test)`,
    );
  if (differing.length > 0)
    throw new AppError(
      'conflict',
      `${path} holds a run with other settings (${differing.join('; ')}); rerun with the same settings to continue it, or choose another --out`,
      'out',
    );
  return previous.results;
}
