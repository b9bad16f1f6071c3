import type { LoopContext, LoopProject } from '../context';
import { subContext } from '../context';
import { zeroShotRgb } from './zero-shot';

/** What a people round did about the shipped pretrained model. */
export interface PretrainedOffer {
  /** The pretrained model's PCKh@0.5 on the test split (measured once, on first need); null: not measurable here. */
  testPckh: number | null;
  /** Picks that got its suggestion because it beats the round's model on the test split. */
  offered: number;
}

const MODEL = 'thunder';

/**
 * After a people round: where the shipped pretrained model (MoveNet) scores better on the test split than the round's
 * model, the round's picks also get its suggestions, so the annotate view (which shows the better-scoring source)
 * offers them instead of the weaker model's. Its test score is measured once and kept with its checkpoint.
 */
export async function offerPretrainedPeople(
  project: LoopProject,
  roundPckh: number | null,
  picks: readonly number[],
  ctx: LoopContext,
): Promise<PretrainedOffer> {
  if (project.modality !== 'rgb' || project.skeleton.kind !== 'human') return { testPckh: null, offered: 0 };
  let testPckh =
    project.store.checkpoints
      .pretrainedModels()
      .filter((c) => c.config['model'] === 'movenet' && c.config['name'] === MODEL)
      .map((c) => c.metrics['testPckh'])
      .find((v): v is number => typeof v === 'number') ?? null;
  if (testPckh === null) {
    const test = project.store.sampleIds('test');
    if (test.length === 0) return { testPckh: null, offered: 0 };
    const result = await zeroShotRgb(
      project,
      { sampleIds: test, model: MODEL },
      subContext(ctx, 0, 0.8, 'pretrained'),
    );
    testPckh = result.modality === 'rgb' ? result.testPckh : null;
  }
  if (testPckh === null || (roundPckh !== null && testPckh <= roundPckh) || picks.length === 0)
    return { testPckh, offered: 0 };
  const offered = await zeroShotRgb(
    project,
    { sampleIds: [...picks], model: MODEL },
    subContext(ctx, 0.8, 1, 'pretrained'),
  );
  return { testPckh, offered: offered.predicted };
}
