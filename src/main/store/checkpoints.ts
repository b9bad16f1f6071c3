import type { Db } from './db';

export interface CheckpointRecord {
  id: number;
  path: string;
  roundId: number | null;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

/**
 * A shipped pretrained model is recorded as a checkpoint too, so its predictions have a provenance; its path is
 * `pretrained:<key>` (nothing under models/) and its config says `pretrained: true`. `latest()` skips those rows:
 * "the latest model" is always one this project trained.
 */
export const PRETRAINED_PREFIX = 'pretrained:';

/**
 * Another tool's predictions brought in by an import (SLEAP predicted instances, Label Studio predictions…) hang off
 * one checkpoint row per tool, path `imported:<format>`, config `imported: true` and the tool's name as `label`:
 * nothing under models/, and, like pretrained rows, never "the latest model".
 */
export const IMPORTED_PREFIX = 'imported:';

interface CheckpointDbRow {
  id: number;
  path: string;
  round_id: number | null;
  config: string;
  metrics: string;
}

const toRecord = (row: CheckpointDbRow): CheckpointRecord => ({
  id: row.id,
  path: row.path,
  roundId: row.round_id,
  config: JSON.parse(row.config) as Record<string, unknown>,
  metrics: JSON.parse(row.metrics) as Record<string, unknown>,
});

/** Trained models: where the weights lie (relative to models/), how they were trained and how they scored. */
export class CheckpointRepo {
  private readonly sql;

  constructor(
    db: Db,
    private readonly now: () => string,
  ) {
    this.sql = {
      insert: db.prepare(
        'INSERT INTO checkpoints (round_id, path, config, backend, metrics, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      latest: db.prepare<[string, string], CheckpointDbRow>(
        `SELECT id, path, round_id, config, metrics FROM checkpoints
         WHERE path NOT LIKE ? || '%' AND path NOT LIKE ? || '%' ORDER BY id DESC LIMIT 1`,
      ),
      byPath: db.prepare<[string], CheckpointDbRow>(
        'SELECT id, path, round_id, config, metrics FROM checkpoints WHERE path = ? ORDER BY id DESC LIMIT 1',
      ),
      byId: db.prepare<[number], CheckpointDbRow>(
        'SELECT id, path, round_id, config, metrics FROM checkpoints WHERE id = ?',
      ),
      withPrefix: db.prepare<[string], CheckpointDbRow>(
        `SELECT id, path, round_id, config, metrics FROM checkpoints WHERE path LIKE ? || '%' ORDER BY id`,
      ),
      setMetrics: db.prepare('UPDATE checkpoints SET metrics = ? WHERE id = ?'),
    };
  }

  add(c: {
    roundId: number | null;
    path: string;
    config: unknown;
    backend: string;
    metrics: unknown;
  }): number {
    return Number(
      this.sql.insert.run(
        c.roundId,
        c.path,
        JSON.stringify(c.config),
        c.backend,
        JSON.stringify(c.metrics),
        this.now(),
      ).lastInsertRowid,
    );
  }

  /** The newest model this project trained (pretrained and imported rows are not among them). */
  latest(): CheckpointRecord | null {
    const row = this.sql.latest.get(PRETRAINED_PREFIX, IMPORTED_PREFIX);
    return row ? toRecord(row) : null;
  }

  get(id: number): CheckpointRecord | null {
    const row = this.sql.byId.get(id);
    return row ? toRecord(row) : null;
  }

  /** The row of a shipped pretrained model, added on first use. */
  pretrained(key: string, config: Record<string, unknown>, backend: string): CheckpointRecord {
    const path = `${PRETRAINED_PREFIX}${key}`;
    const existing = this.sql.byPath.get(path);
    if (existing) return toRecord(existing);
    const id = this.add({
      roundId: null,
      path,
      config: { ...config, pretrained: true },
      backend,
      metrics: {},
    });
    return this.get(id)!;
  }

  /** Every pretrained model this project has used. */
  pretrainedModels(): CheckpointRecord[] {
    return this.sql.withPrefix.all(PRETRAINED_PREFIX).map(toRecord);
  }

  /** The row of one tool's imported predictions (`format`, e.g. `sleap`), added on first import. */
  imported(format: string, tool: string): CheckpointRecord {
    const path = `${IMPORTED_PREFIX}${format}`;
    const existing = this.sql.byPath.get(path);
    if (existing) return toRecord(existing);
    const id = this.add({
      roundId: null,
      path,
      config: { imported: true, format, label: tool },
      backend: 'none',
      metrics: {},
    });
    return this.get(id)!;
  }

  /** Every tool whose predictions were imported into this project. */
  importedModels(): CheckpointRecord[] {
    return this.sql.withPrefix.all(IMPORTED_PREFIX).map(toRecord);
  }

  setMetrics(id: number, metrics: Record<string, unknown>): void {
    this.sql.setMetrics.run(JSON.stringify(metrics), id);
  }
}
