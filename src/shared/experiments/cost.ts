import type { CurveMetric, ExperimentCell, JointTime, PickCost, SamplerCost } from '../contract/experiments';
import type { Joint } from '../domain';
import { learningCurves, lowerIsBetter } from './summary';
import { pairedTTest } from '../stats';

/** A suggested joint this close to the label (image px) is kept as is; farther, the annotator moves it. */
export const KEEP_RADIUS_PX = 10;

/**
 * Seconds per moved joint when the project has no measurements: 40–60 s per 17-joint body pose (Cormier et al.,
 * "Interactive Labeling for Human Pose Estimation in Surveillance Videos", ICCV Workshops 2021), i.e. ≈ 3 s a joint.
 */
export const DEFAULT_JOINT_TIME: JointTime = {
  secondsPerMovedJoint: 3,
  source: 'default: 40–60 s per 17-joint pose (Cormier et al., ICCV Workshops 2021) ≈ 3 s per joint',
};

/**
 * What the oracle's label makes of a suggestion (u, v, d per joint in image space): labelled joints within
 * KEEP_RADIUS_PX of it are kept, the rest (or all, without a suggestion) must be moved. Absent joints cost nothing.
 */
export function suggestionCost(
  label: readonly Joint[],
  suggestion: Float32Array | null,
  radius = KEEP_RADIUS_PX,
): PickCost {
  let kept = 0;
  let moved = 0;
  label.forEach((joint, j) => {
    if (joint.visibility === 'absent' || joint.u === null || joint.v === null) return;
    const u = suggestion?.[3 * j];
    const v = suggestion?.[3 * j + 1];
    const near = u !== undefined && v !== undefined && Math.hypot(u - joint.u, v - joint.v) <= radius;
    if (near) kept++;
    else moved++;
  });
  return { images: 1, kept, moved };
}

export function addCosts(a: PickCost, b: PickCost): PickCost {
  return { images: a.images + b.images, kept: a.kept + b.kept, moved: a.moved + b.moved };
}

export const NO_COST: PickCost = { images: 0, kept: 0, moved: 0 };

/** Whether a curve value has reached the target. */
const reaches = (metric: CurveMetric, value: number, target: number) =>
  lowerIsBetter(metric) ? value <= target : value >= target;

/**
 * Per sampler: the picks' kept/moved joints and estimated annotator seconds per stage (mean over trials), and the
 * labels and seconds its mean curve needs to reach `target` (default: random's final mean). Seconds count moved
 * joints only (kept joints are reviewed, not timed); the seed set is the same for every sampler and left out.
 */
export function annotationCost(
  cells: readonly ExperimentCell[],
  metric: CurveMetric,
  time: JointTime,
  target?: number,
): { target: number | null; bySampler: Record<string, SamplerCost> } {
  const curves = learningCurves(cells);
  const random = curves.random;
  const goal = target ?? random?.[random.length - 1]?.mean ?? null;
  const bySampler: Record<string, SamplerCost> = {};
  for (const [sampler, curve] of Object.entries(curves)) {
    const own = cells.filter((c) => c.sampler === sampler && c.picks.length > 0);
    const stages = curve
      .map(({ round, labelled }) => {
        const rows = own.filter((c) => c.round === round);
        if (rows.length === 0 || rows.some((r) => r.cost === null)) return null;
        const kept = rows.reduce((s, r) => s + r.cost!.kept, 0) / rows.length;
        const moved = rows.reduce((s, r) => s + r.cost!.moved, 0) / rows.length;
        return { round, labelled, kept, moved, seconds: moved * time.secondsPerMovedJoint };
      })
      .filter((s) => s !== null);
    const kept = stages.reduce((s, x) => s + x.kept, 0);
    const all = kept + stages.reduce((s, x) => s + x.moved, 0);
    const reached = goal === null ? undefined : curve.find((p) => reaches(metric, p.mean, goal));
    const before = reached ? curve.filter((p) => p.round < reached.round) : [];
    const costed = before.every((p) => stages.some((s) => s.round === p.round));
    bySampler[sampler] = {
      stages,
      keptFraction: all > 0 ? kept / all : null,
      keptGap: sampler === 'random' ? null : keptGapToRandom(cells, sampler),
      labelsToTarget: reached?.labelled ?? null,
      secondsToTarget:
        reached && costed
          ? stages.filter((s) => s.round < reached.round).reduce((s, x) => s + x.seconds, 0)
          : null,
    };
  }
  return { target: goal, bySampler };
}

/** Per trial, the share of the picks' labelled joints whose suggestion was kept (all stages together). */
function keptShareByTrial(cells: readonly ExperimentCell[], sampler: string): Map<number, number> {
  const totals = new Map<number, { kept: number; all: number }>();
  for (const c of cells) {
    if (c.sampler !== sampler || c.cost === null || c.picks.length === 0) continue;
    const t = totals.get(c.trial) ?? { kept: 0, all: 0 };
    totals.set(c.trial, { kept: t.kept + c.cost.kept, all: t.all + c.cost.kept + c.cost.moved });
  }
  return new Map([...totals].filter(([, t]) => t.all > 0).map(([trial, t]) => [trial, t.kept / t.all]));
}

/** A sampler's kept share minus random's, paired by trial (paired t-test); null without a paired trial. */
function keptGapToRandom(cells: readonly ExperimentCell[], sampler: string): SamplerCost['keptGap'] {
  const random = keptShareByTrial(cells, 'random');
  const own = [...keptShareByTrial(cells, sampler)].filter(([trial]) => random.has(trial));
  if (own.length === 0) return null;
  const test = pairedTTest(
    own.map(([, share]) => share),
    own.map(([trial]) => random.get(trial)!),
  );
  return { n: test.n, mean: test.mean, low: test.low, high: test.high, p: test.p };
}
