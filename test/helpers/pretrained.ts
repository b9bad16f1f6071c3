import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { App } from '../../src/main/app';
import { testApp } from './app';
import { tempDir } from './tmp';

/**
 * A suite's app whose shipped models live in a temp `models/` folder (POSELOOP_MODELS_DIR, restored afterwards);
 * `prepare` runs once the app exists (it pretrains the model under test).
 */
export function pretrainedSuite(prepare: (app: App, models: string) => Promise<void>) {
  const tmp = tempDir();
  const models = join(tmp.dir, 'models');
  const previous = process.env['POSELOOP_MODELS_DIR'];
  const suite = { dir: tmp.dir, models, app: undefined as unknown as App };
  beforeAll(async () => {
    process.env['POSELOOP_MODELS_DIR'] = models;
    suite.app = testApp(tmp.dir);
    await prepare(suite.app, models);
  }, 240_000);
  afterAll(async () => {
    await suite.app.close();
    if (previous === undefined) delete process.env['POSELOOP_MODELS_DIR'];
    else process.env['POSELOOP_MODELS_DIR'] = previous;
    tmp.cleanup();
  });
  return suite;
}

/** The manifest in `out`, after checking that it lists exactly the model's two files with their sizes and sha256. */
export function checkedManifest(out: string) {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['checkpoint.json', 'weights.bin']);
  for (const file of manifest.files) {
    const bytes = readFileSync(join(out, file.name));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    expect(bytes.length).toBe(file.bytes);
  }
  return manifest;
}
