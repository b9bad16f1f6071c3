import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProjectStore } from './project-store';
import type { NewSample } from './rows';

export interface StoreBenchResult {
  samples: number;
  insertSeconds: number;
  /** Open the database, count by split, read the first page: what the project home needs. */
  openSeconds: number;
  /** One page of 100 deep in the list (keyset paging). */
  deepPageSeconds: number;
  targetOpenSeconds: number;
}

/** Builds a project of `count` samples and times opening it, as the 300k-sample target in the foundation issue. */
export function benchProjectOpen(count = 300_000): StoreBenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'poseloop-bench-'));
  try {
    const file = join(dir, 'project.sqlite');
    let store = ProjectStore.open(file);
    store.putSkeleton({ id: 'b', name: 'b', kind: 'hand', joints: ['a'], edges: [] });
    const datasetId = store.ensureDataset({
      name: 'bench',
      format: 'synth',
      root: dir,
      modality: 'depth',
      skeletonId: 'b',
      intrinsics: null,
      cubeMm: 300,
    });
    const annotator = store.accounts.idOf('bench');
    const t0 = performance.now();
    const batch = 10_000;
    for (let start = 0; start < count; start += batch) {
      const rows: NewSample[] = [];
      for (let i = start; i < Math.min(count, start + batch); i++) {
        rows.push({
          sourceKey: `f${i}`,
          imagePath: `depth/${i}.png`,
          frame: 0,
          modality: 'depth',
          width: 320,
          height: 240,
          split: i % 10 === 0 ? 'test' : i % 10 === 1 ? 'train' : 'pool',
          joints: i % 10 <= 1 ? [{ u: 1, v: 2, d: 3, visibility: 'visible', state: 'created' }] : null,
        });
      }
      store.insertSamples(datasetId, rows, annotator);
    }
    const insertSeconds = (performance.now() - t0) / 1000;
    store.close();

    const t1 = performance.now();
    store = ProjectStore.open(file);
    store.counts();
    store.listSamples({ after: 0, limit: 100 });
    const openSeconds = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    store.listSamples({ split: 'pool', after: Math.floor(count * 0.9), limit: 100 });
    const deepPageSeconds = (performance.now() - t2) / 1000;
    store.close();
    return { samples: count, insertSeconds, openSeconds, deepPageSeconds, targetOpenSeconds: 2 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
