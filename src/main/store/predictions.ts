import type { Db } from './db';

export interface PredictionRow {
  sampleId: number;
  /** float32 per joint u px, v px, d mm. */
  mean: Float32Array;
  /** float32 epistemic std, same layout. */
  std: Float32Array;
  /** float32 aleatoric variance, same layout (null for a plain model). */
  aleatoric: Float32Array | null;
  loglik: number | null;
  /** JSON-ready extras of heatmap models (peaks, per-link terms, refined pose); null for depth models. */
  details?: Record<string, unknown> | null;
}

export interface StoredPrediction extends PredictionRow {
  id: number;
  roundId: number | null;
  checkpointId: number | null;
  passes: number;
  createdAt: string;
}

interface PredictionDbRow {
  id: number;
  round_id: number | null;
  checkpoint_id: number | null;
  sample_id: number;
  passes: number;
  mean: Buffer;
  epistemic_std: Buffer;
  aleatoric: Buffer | null;
  loglik: number | null;
  details: string | null;
  created_at: string;
}

const floats = (blob: Buffer | null): Float32Array | null =>
  blob === null
    ? null
    : new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const blob = (array: Float32Array | null): Buffer | null =>
  array === null ? null : Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** Model predictions per sample: immutable per (round, sample); a re-run of the same round replaces its row. */
export class PredictionRepo {
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.sql = {
      upsert: db.prepare(
        `INSERT INTO predictions (round_id, checkpoint_id, sample_id, passes, mean, epistemic_std, aleatoric, loglik, details, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (round_id, sample_id) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, passes = excluded.passes,
           mean = excluded.mean, epistemic_std = excluded.epistemic_std, aleatoric = excluded.aleatoric,
           loglik = excluded.loglik, details = excluded.details, created_at = excluded.created_at`,
      ),
      latest: db.prepare<[number], PredictionDbRow>(
        'SELECT * FROM predictions WHERE sample_id = ? ORDER BY id DESC LIMIT 1',
      ),
      byId: db.prepare<[number], PredictionDbRow>('SELECT * FROM predictions WHERE id = ?'),
      latestOf: db.prepare<[number, number], PredictionDbRow>(
        'SELECT * FROM predictions WHERE sample_id = ? AND checkpoint_id = ? ORDER BY id DESC LIMIT 1',
      ),
      latestExcept: db.prepare<[number, number], PredictionDbRow>(
        `SELECT * FROM predictions WHERE sample_id = ? AND checkpoint_id IS NOT ?
         ORDER BY id DESC LIMIT 1`,
      ),
      latestOwn: db.prepare<[number, string, string], PredictionDbRow>(
        `SELECT p.* FROM predictions p LEFT JOIN checkpoints c ON c.id = p.checkpoint_id
         WHERE p.sample_id = ? AND (c.path IS NULL OR (c.path NOT LIKE ? || '%' AND c.path NOT LIKE ? || '%'))
         ORDER BY p.id DESC LIMIT 1`,
      ),
      dropOutsideRounds: db.prepare(
        'DELETE FROM predictions WHERE round_id IS NULL AND checkpoint_id = ? AND sample_id = ?',
      ),
    };
  }

  /**
   * Writes one batch of predictions in one transaction. A round's rows upsert on (round, sample); out-of-round rows
   * (a zero-shot or `predict` rerun) have no such key, so they replace that model's earlier out-of-round rows.
   */
  put(roundId: number | null, checkpointId: number, passes: number, rows: readonly PredictionRow[]): void {
    this.db.transaction(() => {
      const at = this.now();
      for (const r of rows) {
        if (roundId === null) this.sql.dropOutsideRounds.run(checkpointId, r.sampleId);
        this.sql.upsert.run(
          roundId,
          checkpointId,
          r.sampleId,
          passes,
          blob(r.mean),
          blob(r.std),
          blob(r.aleatoric),
          r.loglik,
          r.details ? JSON.stringify(r.details) : null,
          at,
        );
      }
    })();
  }

  /** The newest prediction of a sample by one model (`checkpointId`), or by any other model (`except`). */
  latestBy(sampleId: number, model: { checkpointId: number } | { except: number }): StoredPrediction | null {
    const row =
      'checkpointId' in model
        ? this.sql.latestOf.get(sampleId, model.checkpointId)
        : this.sql.latestExcept.get(sampleId, model.except);
    return row ? toPrediction(row) : null;
  }

  /** The newest prediction of a sample, whichever model made it. */
  latest(sampleId: number): StoredPrediction | null {
    const row = this.sql.latest.get(sampleId);
    return row ? toPrediction(row) : null;
  }

  /**
   * The newest prediction of a sample by a model of this project: rows of checkpoints whose path starts with one of
   * `outside` (shipped pretrained models, other tools' imported predictions) are passed over.
   */
  latestOwn(sampleId: number, outside: readonly [string, string]): StoredPrediction | null {
    const row = this.sql.latestOwn.get(sampleId, ...outside);
    return row ? toPrediction(row) : null;
  }

  get(id: number): StoredPrediction | null {
    const row = this.sql.byId.get(id);
    return row ? toPrediction(row) : null;
  }
}

function toPrediction(row: PredictionDbRow): StoredPrediction {
  return {
    id: row.id,
    roundId: row.round_id,
    checkpointId: row.checkpoint_id,
    sampleId: row.sample_id,
    passes: row.passes,
    mean: floats(row.mean)!,
    std: floats(row.epistemic_std)!,
    aleatoric: floats(row.aleatoric),
    loglik: row.loglik,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    createdAt: row.created_at,
  };
}
