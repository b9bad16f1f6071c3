import { describe, expect, it } from 'vitest';
import { runSamplerBench } from '../../../src/main/samplers/node/bench';

describe('runSamplerBench', () => {
  it('returns a JSON-able timing table for the headline size and the scaling grid', () => {
    const result = runSamplerBench({
      candidates: 400,
      labelled: 200,
      budget: 20,
      candidateScale: [100, 200],
      labelledScale: [50],
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result.headline.map((run) => run.sampler)).toEqual(['coreset', 'cke']);
    expect(result.scaling).toHaveLength(4);
    expect(result.scaling.every((run) => run.ms >= 0 && run.budget === 20)).toBe(true);
  });
});
