import type { QueueItem, RoundDetail, RoundSummary, TrainResult } from '@shared/contract';
import { AppError } from '@shared/errors';
import {
  acquire,
  checkSampler,
  qualityMetrics,
  overallEta,
  offerPretrainedPeople,
  pipelineFor,
  subContext,
  projectTrainingSet,
  type AcquireStep,
} from '../loop';
import { HEATMAP_SAMPLERS, SAMPLERS, runSampler } from '../samplers';
import { loadSamplerInput } from '../samplers/node';
import type { QueueRecord, RoundRecord } from '../store';
import type { HandlerGroup, OpContext } from './context';
import type { AppDeps } from './deps';
import type { Project } from './project';
import { holdLease, leaseLapsed, PROCESS_OWNER } from './round-lease';

/** What `round.run` takes: the sampler, the budget and the learning settings. */
export type RoundSettings = AcquireStep['settings'];

/** The test metrics a round records (both modalities' keys; the other modality's are null). */
function roundMetrics(trained: TrainResult): Record<string, number | null> {
  const depth = trained.model === 'deepprior' ? trained : null;
  const heatmap = trained.model === 'hourglass' ? trained : null;
  return {
    testErrorMm: depth?.testErrorMm ?? null,
    meanPoseErrorMm: depth?.meanPoseErrorMm ?? null,
    testPckh: heatmap?.testPckh ?? null,
    meanPosePckh: heatmap?.meanPosePckh ?? null,
    testPckhIgnoringSides: heatmap?.testPckhIgnoringSides ?? null,
    trainSamplesPerSecond: trained.trainSamplesPerSecond,
    trainWorkers: trained.trainWorkers,
    ...qualityMetrics(trained.validation),
  };
}

/** The round's suggestion quality on the validation split, from its stored metrics (see `roundMetrics`). */
function suggestionQuality(metrics: RoundRecord['metrics']): RoundSummary['suggestions'] {
  const { valMedianErrorMm, valMedianErrorPx, valWithin10Px } = metrics;
  if (typeof valMedianErrorPx !== 'number' || typeof valWithin10Px !== 'number') return null;
  return {
    medianErrorMm: valMedianErrorMm ?? null,
    medianErrorPx: valMedianErrorPx,
    within10Px: valWithin10Px,
  };
}

export function toRoundSummary(round: RoundRecord): RoundSummary {
  return {
    id: round.id,
    number: round.number,
    sampler: round.sampler,
    budget: round.budget,
    status: round.status,
    labelled: round.labelledCount,
    testErrorMm: round.metrics.testErrorMm ?? null,
    testPckh: round.metrics.testPckh ?? null,
    suggestions: suggestionQuality(round.metrics),
    startedAt: round.startedAt,
    finishedAt: round.finishedAt,
  };
}

export function roundDetail(project: Project, round: RoundRecord): RoundDetail {
  const { owner: _legacyOwner, ...config } = round.config;
  return {
    ...toRoundSummary(round),
    config: config as RoundDetail['config'],
    stageSeconds: round.stageSeconds,
    metrics: round.metrics,
    error: round.error,
    queued: project.store.queue.count(round.id),
  };
}

function toQueueItem(item: QueueRecord): QueueItem {
  const { sentence, ...detail } = item.reason as { sentence?: string };
  return { ...item, reason: sentence ?? '', reasonDetail: detail };
}

/** Closes rounds that a crashed or killed process left mid-way, dropping their partial output. */
export function recoverRounds(project: Project): number {
  let recovered = 0;
  for (const round of project.store.rounds.list()) {
    const unfinished = ['pending', 'training', 'inferring', 'ranking'].includes(round.status);
    if (unfinished && leaseLapsed(round, project.store.now())) {
      project.store.rounds.abandon(
        round.id,
        'failed',
        'interrupted: the process running it stopped; start a new round',
      );
      recovered++;
    }
  }
  return recovered;
}

/**
 * One active-learning round: snapshot the labelled set, train (fine-tuning the latest model unless `fromScratch`),
 * MC inference on a random subset of the pool and on the labelled set, rank with the sampler, then write rankings
 * and queue in one transaction. Each stage is persisted; a failure or cancel removes the round's partial output and
 * marks it, so no half-written queue exists.
 */
export async function runRound(
  project: Project,
  settings: RoundSettings,
  ctx: Pick<OpContext, 'signal' | 'progress'>,
): Promise<RoundDetail> {
  recoverRounds(project);
  const pipeline = pipelineFor(project);
  checkSampler(pipeline, settings.sampler);
  const { store } = project;
  const labelled = store.sampleIds('train');
  const round = store.rounds.create({
    sampler: settings.sampler,
    budget: settings.budget,
    config: { ...settings },
    labelledSampleIds: labelled,
    owner: PROCESS_OWNER,
  });
  const lease = holdLease(store, round.id);
  // The round reports one ETA for all its stages (train → infer → rank), not each stage's own.
  const started = Date.now();
  const progress: typeof ctx = {
    signal: ctx.signal,
    progress: ({ etaSeconds: _stageEta, ...p }) => {
      const eta = overallEta(p.fraction, (Date.now() - started) / 1000);
      ctx.progress(eta === undefined ? p : { ...p, etaSeconds: eta });
    },
  };
  let stageStart = Date.now();
  const stageDone = (name: string) => {
    const seconds = (Date.now() - stageStart) / 1000;
    stageStart = Date.now();
    return { [name]: seconds };
  };
  try {
    store.rounds.setStage(round.id, 'training');
    const { trained, picks } = await acquire(
      project,
      pipeline,
      {
        settings,
        target: { roundId: round.id, set: projectTrainingSet(project, settings.unreviewed), record: true },
        pool: () => {
          const pool = store.sampleIds('pool');
          if (pool.length === 0)
            throw new AppError('invalid_input', 'the pool is empty: import unlabelled images first');
          return pool;
        },
        persist: true,
      },
      progress,
      {
        trained: (trained) =>
          store.rounds.setStage(round.id, 'inferring', {
            stageSeconds: stageDone('train'),
            metrics: roundMetrics(trained),
          }),
        predicted: () => store.rounds.setStage(round.id, 'ranking', { stageSeconds: stageDone('infer') }),
      },
    );
    store.queue.putRanking(
      round.id,
      picks!.map((pick) => ({ ...pick, reason: pick.reason as unknown as Record<string, unknown> })),
    );
    const ranked = stageDone('rank');
    // People: where the shipped pretrained model beats this round's on the test split, the picks get its suggestions.
    const offer = await offerPretrainedPeople(
      project,
      trained.model === 'hourglass' ? trained.testPckh : null,
      picks!.map((pick) => pick.sampleId),
      subContext(progress, 0.97, 1, 'pretrained'),
    );
    store.rounds.setStage(round.id, 'done', {
      stageSeconds: { ...ranked, ...(project.modality === 'rgb' ? stageDone('pretrained') : {}) },
      metrics: { pretrainedTestPckh: offer.testPckh, pretrainedOffered: offer.offered },
    });
    return roundDetail(project, store.rounds.get(round.id)!);
  } catch (error) {
    const cancelled = ctx.signal.aborted || (error instanceof AppError && error.code === 'cancelled');
    store.rounds.abandon(
      round.id,
      cancelled ? 'cancelled' : 'failed',
      cancelled ? 'cancelled' : (error as Error).message,
    );
    throw error;
  } finally {
    lease.release();
  }
}

/** The round a queue request is about: the one named, else the newest round that has a queue (whatever later rounds' status). */
function queueRound(project: Project, roundId: number | undefined): number {
  if (roundId !== undefined) {
    if (!project.store.rounds.get(roundId)) throw new AppError('not_found', `no round ${roundId}`, 'roundId');
    return roundId;
  }
  const newest = project.store.queue.newestRound();
  if (newest === null)
    throw new AppError('not_found', 'no queue yet: choose a seed set or run a round', 'roundId');
  return newest;
}

export function roundHandlers(
  deps: AppDeps,
): HandlerGroup<
  'samplers.list' | 'sampler.run' | 'round.run' | 'round.get' | 'queue.list' | 'queue.next' | 'queue.set'
> {
  return {
    'samplers.list': (input) => {
      const depth = SAMPLERS.map((s) => ({ id: s.id, description: s.description }));
      const rgb = HEATMAP_SAMPLERS.map((s) => ({ id: s.id, description: s.description }));
      if (input.project !== undefined) {
        const modality = pipelineFor(deps.projects.get(input.project)).modality;
        return (modality === 'rgb' ? rgb : depth).map((s) => ({ ...s, modality }));
      }
      return [
        ...depth.map((s) => ({ ...s, modality: 'depth' as const })),
        ...rgb.map((s) => ({ ...s, modality: 'rgb' as const })),
      ];
    },
    'sampler.run': async (input) => {
      const selection = runSampler(input.sampler, await loadSamplerInput(input.input), {
        budget: input.budget,
        seed: input.seed,
        eta: input.eta,
      });
      return {
        picks: Array.from(selection.picks),
        reasons: selection.reasons as unknown as Record<string, unknown>[],
      };
    },
    'round.run': (input, ctx) => {
      const project = deps.projects.get(input.project);
      return runRound(
        project,
        { ...input, sampler: input.sampler ?? pipelineFor(project).defaultSampler },
        ctx,
      );
    },
    'round.get': (input) => {
      const project = deps.projects.get(input.project);
      const round =
        input.roundId === undefined ? project.store.rounds.latest() : project.store.rounds.get(input.roundId);
      return round ? roundDetail(project, round) : null;
    },
    'queue.list': (input) => {
      const project = deps.projects.get(input.project);
      const round = queueRound(project, input.roundId);
      const items = project.store.queue.list(round, {
        status: input.status,
        afterRank: input.after,
        limit: input.limit,
      });
      return {
        items: items.map(toQueueItem),
        next: items.length === input.limit ? items.at(-1)!.rank : null,
        total: project.store.queue.count(round, input.status),
      };
    },
    'queue.next': (input, ctx) => {
      const project = deps.projects.get(input.project);
      const annotator = project.store.accounts.idOf(ctx.annotator);
      const item =
        input.roundId === undefined
          ? project.store.queue.claimNextAnywhere(annotator)
          : project.store.queue.claimNext(queueRound(project, input.roundId), annotator);
      return item && toQueueItem(item);
    },
    'queue.set': (input, ctx) => {
      const project = deps.projects.get(input.project);
      const round = input.roundId ?? project.store.queue.roundOf(input.sampleId);
      if (round === null)
        throw new AppError('not_found', `sample ${input.sampleId} is in no queue`, 'sampleId');
      return toQueueItem(
        project.store.queue.setStatus(
          round,
          input.sampleId,
          input.status,
          project.store.accounts.idOf(ctx.annotator),
        ),
      );
    },
  };
}
