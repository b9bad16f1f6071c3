/** The round summary in words (src/renderer/src/lib/round-words.ts): no raw field names reach the lead. */
import { describe, expect, it } from 'vitest';
import type { RoundDetail } from '@shared/contract';
import {
  jointsPhrase,
  metricPhrase,
  reasonParts,
  roundSummary,
  suggestionsLine,
} from '../../../src/renderer/src/lib/round-words';

const round = {
  id: 3,
  number: 3,
  sampler: 'cke',
  budget: 20,
  status: 'done',
  labelled: 60,
  testErrorMm: 46.11,
  testPckh: null,
  suggestions: null,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:01:00Z',
  config: { sampler: 'cke', mc: 20, eta: 0.3, preset: 'auto' },
  stageSeconds: { train: 42.2, infer: 7, rank: 0.4 },
  metrics: {
    testErrorMm: 46.11,
    meanPoseErrorMm: 59.04,
    testPckh: null,
    trainSamplesPerSecond: 812.3,
    trainWorkers: 2,
  },
  error: null,
  queued: 20,
} as unknown as RoundDetail;

describe('round summary in words', () => {
  it('writes stages and metrics as phrases', () => {
    expect(roundSummary(round)).toBe(
      'Round 3 (cke, 20 MC passes, η = 0.3, preset auto) queued 20 images. ' +
        'Training took 42 s, scoring the pool took 7 s, ranking took 0 s. ' +
        'Test error 46.1 mm, 59.0 mm for always guessing the mean pose, 812.3 training images per second, on 2 training threads.',
    );
    expect(roundSummary(round)).not.toMatch(/[a-z][A-Z]/);
  });

  it('words the suggestion quality and the calibrated rings in their own sentence', () => {
    const quality = { medianErrorMm: 12.34, medianErrorPx: 5.06, within10Px: 0.483 };
    const metrics = {
      ...round.metrics,
      valMedianErrorMm: 12.34,
      valMedianErrorPx: 5.06,
      valWithin10Px: 0.483,
      sigmaScale: 3.104,
      sigmaCoverage1: 0.391,
      sigmaCoverage2: 0.866,
    };
    expect(roundSummary({ ...round, suggestions: quality, metrics })).toBe(
      'Round 3 (cke, 20 MC passes, η = 0.3, preset auto) queued 20 images. ' +
        'Training took 42 s, scoring the pool took 7 s, ranking took 0 s. ' +
        'Test error 46.1 mm, 59.0 mm for always guessing the mean pose, 812.3 training images per second, on 2 training threads. ' +
        'Suggestions on the validation split: median 12.3 mm, 5.1 px · 48 % within 10 px; ' +
        'σ calibrated ×3.10: the 1σ ring holds 39 % of true joints, 2σ 87 %.',
    );
    expect(suggestionsLine({ medianErrorMm: null, medianErrorPx: 6.25, within10Px: 0.7 })).toBe(
      'median 6.3 px · 70 % within 10 px',
    );
    expect(suggestionsLine(null)).toBe('–');
  });

  it('spells out an unknown metric and writes PCKh as a percentage', () => {
    expect(metricPhrase('testPckh', 0.4567)).toBe('test PCKh@0.5 45.7 %');
    expect(metricPhrase('gradNorm', 1.23456)).toBe('grad norm 1.235');
  });

  it('words the joints of a cost tally', () => {
    const tally = {
      images: 2,
      secondsPerImage: 12,
      joints: { accepted: 12, moved: 5, created: 0, predicted: 3 },
      meanMovedPx: 7.46,
    };
    expect(jointsPhrase(tally)).toBe(
      '12 accepted, 5 moved (mean 7.5 px), 0 placed by hand, 3 left as predicted',
    );
  });

  it('splits a queue reason around the nearest centre the server resolved to a sample', () => {
    const reason = 'Most novel pose: 0.4000 from the nearest centre (labelled #56).';
    expect(reasonParts({ reason, reasonDetail: { nearestSampleId: 311 } })).toEqual({
      before: 'Most novel pose: 0.4000 from the nearest centre (',
      ref: 'labelled sample 311',
      after: ').',
      sampleId: 311,
    });
    expect(reasonParts({ reason, reasonDetail: {} })).toBeNull();
    expect(
      reasonParts({ reason: 'Drawn at random (seed 1).', reasonDetail: { nearestSampleId: 3 } }),
    ).toBeNull();
  });
});
