import type { Db } from './db';

export interface CheckpointRecord {
  id: number;
  path: string;
  roundId: number | null;
  config: Record<string, unknown>;
}

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
      latest: db.prepare<[], { id: number; path: string; round_id: number | null; config: string }>(
        'SELECT id, path, round_id, config FROM checkpoints ORDER BY id DESC LIMIT 1',
      ),
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

  latest(): CheckpointRecord | null {
    const row = this.sql.latest.get();
    return row
      ? {
          id: row.id,
          path: row.path,
          roundId: row.round_id,
          config: JSON.parse(row.config) as Record<string, unknown>,
        }
      : null;
  }
}
