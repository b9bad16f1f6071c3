import { describe, expect, it } from 'vitest';
import { parseBackendName, selectBackend } from '../../../src/main/learner/backend';

describe('backend choice', () => {
  it('parses the override and refuses unknown names', () => {
    expect(parseBackendName('wasm')).toBe('wasm');
    expect(parseBackendName(undefined)).toBeUndefined();
    expect(() => parseBackendName('webgpu')).toThrow(/node-gpu, node, wasm, cpu/);
  });

  it('a forced backend that cannot start throws; the automatic order falls back and says why', async () => {
    delete process.env.POSELOOP_BACKEND;
    await expect(selectBackend('node')).rejects.toThrow(/backend node \(forced\) failed/);
    const choice = await selectBackend();
    // Native TensorFlow is optional and usually absent here; when present it wins.
    if (choice.name === 'wasm') {
      expect(choice.reason).toMatch(/node-gpu unavailable/);
      expect(choice.patchedKernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'MaxPoolGrad']));
    }
    expect(await selectBackend('cpu')).toBe(choice);
  });
});
