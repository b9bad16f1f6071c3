import { describe, expect, it } from 'vitest';
import type { ExperimentCell } from '../../../src/shared/contract';
import type { Joint } from '../../../src/shared/domain';
import {
  annotationCost,
  gapsToRandom,
  learningCurves,
  recommend,
  reportTables,
  suggestionCost,
  summarise,
} from '../../../src/shared/experiments';

const joint = (u: number | null, v: number | null, visibility: Joint['visibility'] = 'visible'): Joint => ({
  u,
  v,
  d: null,
  visibility,
  state: 'accepted',
});

/** Two samplers, three trials, two stages; values in mm (lower is better). */
function cells(): ExperimentCell[] {
  const rows: ExperimentCell[] = [];
  const values = {
    random: [
      [60, 50],
      [62, 52],
      [61, 54],
    ],
    cke: [
      [60, 47],
      [62, 50],
      [61, 50],
    ],
  } as const;
  for (const [sampler, trials] of Object.entries(values))
    trials.forEach(([first, second], trial) => {
      // CKE's picks keep 57, 60, 63 of 210 joints in trials 0–2 (60 on average); random's 30 every time.
      const cost =
        sampler === 'cke'
          ? { images: 10, kept: 57 + 3 * trial, moved: 153 - 3 * trial }
          : { images: 10, kept: 30, moved: 180 };
      rows.push({ sampler, trial, round: 0, labelled: 10, value: first, picks: [1, 2], cost });
      rows.push({
        sampler,
        trial,
        round: 1,
        labelled: 20,
        value: second,
        picks: [],
        cost: { images: 0, kept: 0, moved: 0 },
      });
    });
  return rows;
}

describe('experiment summary', () => {
  it('curves: mean, sample std and the t-based 95 % CI per stage', () => {
    const random = learningCurves(cells()).random!;
    // Stage 1: 50, 52, 54 → mean 52, sd 2, half-width t(0.975, 2)·2/√3 = 4.302652729749462·1.1547005383792515.
    expect(random[1]).toMatchObject({ round: 1, labelled: 20, mean: 52, std: 2, trials: 3 });
    expect(random[1]!.high! - 52).toBeCloseTo(4.9682754235006605, 10);
  });

  it('gaps: paired by trial, sampler − random', () => {
    const cke = gapsToRandom(cells()).cke!;
    expect(cke[0]).toMatchObject({ n: 3, mean: 0, low: 0, high: 0, p: 1 });
    // Differences −3, −2, −4: mean −3, sd 1, t = −3√3 = −5.196…, p = 0.03510
    expect(cke[1]!.mean).toBe(-3);
    expect(cke[1]!.low).toBeCloseTo(-3 - 4.302652729749462 / Math.sqrt(3), 10);
    expect(cke[1]!.p).toBeCloseTo(0.035098719004513, 9);
    expect(gapsToRandom(cells()).random).toBeUndefined();
  });

  it('recommends a sampler only when its CI excludes 0, else random', () => {
    const gaps = gapsToRandom(cells());
    const shown = recommend('test_error_mm', gaps)!;
    expect(shown).toMatchObject({ sampler: 'cke', shown: true });
    expect(shown.confidence).toBeCloseTo(1 - 0.035098719004513, 9);
    expect(shown.sentence).toBe(
      'Use cke: 3.00 mm lower error than random at 20 labels (3 paired trials, 95 % CI [-5.48, -0.52] mm); confidence 96.5 % (paired t-test).',
    );
    const noisy = cells().map((c) =>
      c.sampler === 'cke' && c.trial === 0 && c.round === 1 ? { ...c, value: 51 } : c,
    );
    const notShown = recommend('test_error_mm', gapsToRandom(noisy))!;
    expect(notShown).toMatchObject({ sampler: 'random', shown: false });
    expect(notShown.sentence).toMatch(
      /^Use random: no sampler beats it .* cke came closest: 1\.67 mm lower error/,
    );
    // For PCKh a higher value is better: the same numbers now favour random.
    expect(recommend('test_pckh', gaps)!.sentence).toMatch(/every sampler did worse than random/);
  });
});

describe('simulated annotation cost', () => {
  it('keeps joints within 10 px of the label, moves the rest, skips absent ones', () => {
    const label = [joint(100, 100), joint(50, 50), joint(10, 10), joint(null, null, 'absent')];
    const suggestion = Float32Array.from([106, 108, 0, 50, 60.5, 0, 30, 30, 0, 0, 0, 0]);
    // Joint 0: 10 px exactly (kept); joint 1: 10.5 px (moved); joint 2: far (moved); joint 3: absent.
    expect(suggestionCost(label, suggestion)).toEqual({ images: 1, kept: 1, moved: 2 });
    expect(suggestionCost(label, null)).toEqual({ images: 1, kept: 0, moved: 3 });
  });

  it('estimates annotator time, and labels and time to reach a target', () => {
    const time = { secondsPerMovedJoint: 2.5, source: 'test' };
    const { target, bySampler } = annotationCost(cells(), 'test_error_mm', time);
    // Default target: random's final mean, 52 mm; cke reaches it at stage 1 as well (49 mm).
    expect(target).toBe(52);
    expect(bySampler.cke).toMatchObject({
      stages: [{ round: 0, labelled: 10, kept: 60, moved: 150, seconds: 375 }],
      keptFraction: 60 / 210,
      labelsToTarget: 20,
      secondsToTarget: 375,
    });
    // Kept share minus random's per trial: 27, 30, 33 of 210 → mean 30/210, sd 3/210, half-width t(0.975, 2)·sd/√3.
    const gap = bySampler.cke!.keptGap!;
    expect(gap.n).toBe(3);
    expect(gap.mean).toBeCloseTo(30 / 210, 12);
    expect(gap.high! - gap.mean).toBeCloseTo((4.302652729749462 * (3 / 210)) / Math.sqrt(3), 10);
    expect(gap.p!).toBeLessThan(0.01);
    expect(bySampler.random!.keptGap).toBeNull();
    expect(bySampler.random!.secondsToTarget).toBe(450);
    // A target nobody reaches, and one reached before any pick.
    expect(annotationCost(cells(), 'test_error_mm', time, 40).bySampler.cke!.labelsToTarget).toBeNull();
    expect(annotationCost(cells(), 'test_error_mm', time, 70).bySampler.cke).toMatchObject({
      labelsToTarget: 10,
      secondsToTarget: 0,
    });
  });

  it('renders the tables a report commits', () => {
    const md = reportTables(
      summarise({
        metric: 'test_error_mm',
        jointTime: { secondsPerMovedJoint: 2.5, source: 'test' },
        results: cells(),
      }),
    );
    expect(md).toContain('**Recommendation.** Use cke:');
    expect(md).toContain('| random | 61.0 ± 2.5 | 52.0 ± 5.0 |');
    expect(md).toContain('| cke | 0.00 [0.00, 0.00] | -3.00 [-5.48, -0.52] |');
    expect(md).toContain('| cke | 20 | 3 | -3.00 | [-5.48, -0.52] mm | 0.035 | better, shown |');
    expect(md).toContain('| cke | 29 % | 14.3 [10.7, 17.8], p 0.003 | 150 | 6 min | 20 | 6 min |');
    expect(md).toContain('| random | 14 % | — | 180 | 8 min | 20 | 8 min |');
  });
});
