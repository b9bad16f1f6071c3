import { AppError } from '@shared/errors';
import type { Db } from './db';

export type RoundStatus = 'pending' | 'training' | 'inferring' | 'ranking' | 'done' | 'failed' | 'cancelled';
export type QueueStatus = 'new' | 'in_progress' | 'done' | 'skipped';

export interface RoundRecord {
  id: number;
  number: number;
  sampler: string;
  budget: number;
  config: Record<string, unknown>;
  status: RoundStatus;
  labelledCount: number;
  stageSeconds: Record<string, number>;
  metrics: Record<string, number | null>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  checkpointId: number | null;
}

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
  passes: number;
  createdAt: string;
}

export interface RankingRow {
  sampleId: number;
  score: number;
  reason: Record<string, unknown>;
}

export interface QueueRecord {
  roundId: number;
  sampleId: number;
  rank: number;
  score: number;
  reason: Record<string, unknown>;
  status: QueueStatus;
  assignee: string | null;
}

interface RoundDbRow {
  id: number;
  number: number;
  sampler: string;
  budget: number;
  config: string;
  status: RoundStatus;
  labelled_count: number;
  stage_timings: string;
  metrics: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  checkpoint_id: number | null;
}

const floats = (blob: Buffer | null): Float32Array | null =>
  blob === null
    ? null
    : new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const blob = (array: Float32Array | null): Buffer | null =>
  array === null ? null : Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/**
 * Rounds and what they produce: checkpoints, predictions (immutable per round and sample), rankings with reasons
 * and the annotation queue. Each stage is written in one transaction so a crash leaves a round at a stage boundary.
 */
export class RoundRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  /** Starts a round; refuses while another is unfinished (one round at a time per project). */
  create(round: {
    sampler: string;
    budget: number;
    config: Record<string, unknown>;
    labelledSampleIds: readonly number[];
  }): RoundRecord {
    return this.db.transaction(() => {
      const running = this.db
        .prepare<[], { number: number }>(
          `SELECT number FROM rounds WHERE status IN ('pending', 'training', 'inferring', 'ranking')`,
        )
        .get();
      if (running)
        throw new AppError('busy', `round ${running.number} is still running; wait for it or cancel it`);
      const number =
        (this.db.prepare<[], number>('SELECT COALESCE(MAX(number), 0) FROM rounds').pluck().get() ?? 0) + 1;
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO rounds (number, sampler, budget, config, status, labelled_count, started_at)
             VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
          )
          .run(
            number,
            round.sampler,
            round.budget,
            JSON.stringify(round.config),
            round.labelledSampleIds.length,
            this.now(),
          ).lastInsertRowid,
      );
      const snapshot = this.db.prepare('INSERT INTO round_labelled (round_id, sample_id) VALUES (?, ?)');
      for (const sampleId of round.labelledSampleIds) snapshot.run(id, sampleId);
      return this.get(id)!;
    })();
  }

  get(id: number): RoundRecord | null {
    const row = this.db
      .prepare<[number], RoundDbRow>(
        `SELECT r.*, (SELECT c.id FROM checkpoints c WHERE c.round_id = r.id ORDER BY c.id DESC LIMIT 1) AS checkpoint_id
         FROM rounds r WHERE r.id = ?`,
      )
      .get(id);
    return row ? toRound(row) : null;
  }

  latest(): RoundRecord | null {
    const id = this.db
      .prepare<[], number>('SELECT id FROM rounds ORDER BY number DESC LIMIT 1')
      .pluck()
      .get();
    return id === undefined ? null : this.get(id);
  }

  list(): RoundRecord[] {
    return this.db
      .prepare<[], number>('SELECT id FROM rounds ORDER BY number')
      .pluck()
      .all()
      .map((id) => this.get(id)!);
  }

  labelledSnapshot(roundId: number): number[] {
    return this.db
      .prepare<[number], number>('SELECT sample_id FROM round_labelled WHERE round_id = ? ORDER BY sample_id')
      .pluck()
      .all(roundId);
  }

  /** Moves a round to its next stage, recording how long the previous one took and any metrics. */
  setStage(
    roundId: number,
    status: RoundStatus,
    update: {
      stageSeconds?: Record<string, number>;
      metrics?: Record<string, number | null>;
      error?: string;
    } = {},
  ): void {
    const round = this.get(roundId);
    if (!round) throw new AppError('not_found', `no round ${roundId}`);
    const finished = status === 'done' || status === 'failed' || status === 'cancelled';
    this.db
      .prepare(
        `UPDATE rounds SET status = ?, stage_timings = ?, metrics = ?, error = ?, finished_at = ? WHERE id = ?`,
      )
      .run(
        status,
        JSON.stringify({ ...round.stageSeconds, ...update.stageSeconds }),
        JSON.stringify({ ...round.metrics, ...update.metrics }),
        update.error ?? round.error,
        finished ? this.now() : null,
        roundId,
      );
  }

  /**
   * Rounds left mid-way by a crash or kill: they cannot be continued in a new process (the worker is gone), so they
   * are closed as failed with their partial stage output removed. Returns how many were recovered.
   */
  recoverInterrupted(): number {
    return this.db.transaction(() => {
      const stale = this.db
        .prepare<[], number>(
          `SELECT id FROM rounds WHERE status IN ('pending', 'training', 'inferring', 'ranking')`,
        )
        .pluck()
        .all();
      for (const id of stale)
        this.abandon(id, 'failed', 'interrupted (the app stopped while the round was running)');
      return stale.length;
    })();
  }

  /** Ends a round that did not finish, removing its rankings and queue so no half-written queue remains. */
  abandon(roundId: number, status: 'failed' | 'cancelled', error: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM queue WHERE round_id = ?').run(roundId);
      this.db.prepare('DELETE FROM rankings WHERE round_id = ?').run(roundId);
      this.db.prepare('DELETE FROM predictions WHERE round_id = ?').run(roundId);
      this.setStage(roundId, status, { error });
    })();
  }

  // ---- checkpoints and predictions ----------------------------------------------------------------------------

  addCheckpoint(c: {
    roundId: number | null;
    path: string;
    config: unknown;
    backend: string;
    metrics: unknown;
  }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO checkpoints (round_id, path, config, backend, metrics, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(c.roundId, c.path, JSON.stringify(c.config), c.backend, JSON.stringify(c.metrics), this.now())
        .lastInsertRowid,
    );
  }

  latestCheckpoint(): {
    id: number;
    path: string;
    roundId: number | null;
    config: Record<string, unknown>;
  } | null {
    const row = this.db
      .prepare<[], { id: number; path: string; round_id: number | null; config: string }>(
        'SELECT id, path, round_id, config FROM checkpoints ORDER BY id DESC LIMIT 1',
      )
      .get();
    return row
      ? {
          id: row.id,
          path: row.path,
          roundId: row.round_id,
          config: JSON.parse(row.config) as Record<string, unknown>,
        }
      : null;
  }

  /** Writes one batch of predictions in one transaction (a re-run of the same round and sample replaces it). */
  putPredictions(
    roundId: number | null,
    checkpointId: number,
    passes: number,
    rows: readonly PredictionRow[],
  ): void {
    const insert = this.db.prepare(
      `INSERT INTO predictions (round_id, checkpoint_id, sample_id, passes, mean, epistemic_std, aleatoric, loglik, details, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (round_id, sample_id) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, passes = excluded.passes,
         mean = excluded.mean, epistemic_std = excluded.epistemic_std, aleatoric = excluded.aleatoric,
         loglik = excluded.loglik, details = excluded.details, created_at = excluded.created_at`,
    );
    this.db.transaction(() => {
      const at = this.now();
      for (const r of rows)
        insert.run(
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
    })();
  }

  latestPrediction(sampleId: number): StoredPrediction | null {
    const row = this.db
      .prepare<
        [number],
        {
          id: number;
          round_id: number | null;
          sample_id: number;
          passes: number;
          mean: Buffer;
          epistemic_std: Buffer;
          aleatoric: Buffer | null;
          loglik: number | null;
          details: string | null;
          created_at: string;
        }
      >('SELECT * FROM predictions WHERE sample_id = ? ORDER BY id DESC LIMIT 1')
      .get(sampleId);
    if (!row) return null;
    return {
      id: row.id,
      roundId: row.round_id,
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

  // ---- rankings and queue -------------------------------------------------------------------------------------

  /** Writes the ranking and the queue of a round together: either both exist or neither. */
  putRanking(roundId: number, ranked: readonly RankingRow[]): void {
    const rank = this.db.prepare(
      'INSERT INTO rankings (round_id, rank, sample_id, score, reason) VALUES (?, ?, ?, ?, ?)',
    );
    const queue = this.db.prepare(
      `INSERT INTO queue (round_id, sample_id, rank, status) VALUES (?, ?, ?, 'new')`,
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM queue WHERE round_id = ?').run(roundId);
      this.db.prepare('DELETE FROM rankings WHERE round_id = ?').run(roundId);
      ranked.forEach((r, i) => {
        rank.run(roundId, i + 1, r.sampleId, r.score, JSON.stringify(r.reason));
        queue.run(roundId, r.sampleId, i + 1);
      });
    })();
  }

  /** Appends samples to a round's ranking and queue after its last rank (hand-marked images); skips ones already in it. */
  appendToQueue(roundId: number, rows: readonly RankingRow[]): number {
    return this.db.transaction(() => {
      let rank = this.db
        .prepare<[number], number>('SELECT COALESCE(MAX(rank), 0) FROM rankings WHERE round_id = ?')
        .pluck()
        .get(roundId)!;
      let added = 0;
      for (const row of rows) {
        const present = this.db
          .prepare('SELECT 1 FROM rankings WHERE round_id = ? AND sample_id = ?')
          .get(roundId, row.sampleId);
        if (present) continue;
        rank++;
        this.db
          .prepare('INSERT INTO rankings (round_id, rank, sample_id, score, reason) VALUES (?, ?, ?, ?, ?)')
          .run(roundId, rank, row.sampleId, row.score, JSON.stringify(row.reason));
        this.db
          .prepare(`INSERT INTO queue (round_id, sample_id, rank, status) VALUES (?, ?, ?, 'new')`)
          .run(roundId, row.sampleId, rank);
        added++;
      }
      return added;
    })();
  }

  queueCount(roundId: number, status?: QueueStatus): number {
    return status
      ? this.db
          .prepare<[number, string], number>('SELECT COUNT(*) FROM queue WHERE round_id = ? AND status = ?')
          .pluck()
          .get(roundId, status)!
      : this.db
          .prepare<[number], number>('SELECT COUNT(*) FROM queue WHERE round_id = ?')
          .pluck()
          .get(roundId)!;
  }

  listQueue(
    roundId: number,
    options: { status?: QueueStatus; afterRank: number; limit: number },
  ): QueueRecord[] {
    const where = options.status ? 'AND q.status = @status' : '';
    return this.db
      .prepare<{ roundId: number; status?: string; afterRank: number; limit: number }, QueueDbRow>(
        `${QUEUE_SELECT} WHERE q.round_id = @roundId ${where} AND q.rank > @afterRank ORDER BY q.rank LIMIT @limit`,
      )
      .all({
        roundId,
        afterRank: options.afterRank,
        limit: options.limit,
        ...(options.status ? { status: options.status } : {}),
      })
      .map(toQueue);
  }

  queueItem(roundId: number, sampleId: number): QueueRecord | null {
    const row = this.db
      .prepare<[number, number], QueueDbRow>(`${QUEUE_SELECT} WHERE q.round_id = ? AND q.sample_id = ?`)
      .get(roundId, sampleId);
    return row ? toQueue(row) : null;
  }

  /**
   * Gives the caller their own unfinished item if they have one, else the best-ranked new one, in one transaction:
   * two annotators never receive the same image.
   */
  claimNext(roundId: number, annotatorId: number): QueueRecord | null {
    return this.db.transaction(() => {
      const own = this.db
        .prepare<[number, number], number>(
          `SELECT sample_id FROM queue WHERE round_id = ? AND status = 'in_progress' AND assignee_id = ? ORDER BY rank LIMIT 1`,
        )
        .pluck()
        .get(roundId, annotatorId);
      const sampleId =
        own ??
        this.db
          .prepare<[number], number>(
            `SELECT sample_id FROM queue WHERE round_id = ? AND status = 'new' ORDER BY rank LIMIT 1`,
          )
          .pluck()
          .get(roundId);
      if (sampleId === undefined) return null;
      this.db
        .prepare(
          `UPDATE queue SET status = 'in_progress', assignee_id = ?, assigned_at = ? WHERE round_id = ? AND sample_id = ?`,
        )
        .run(annotatorId, this.now(), roundId, sampleId);
      return this.queueItem(roundId, sampleId);
    })();
  }

  /** Sets an item's status; `new` releases it, others keep the annotator who set them. */
  setQueueStatus(roundId: number, sampleId: number, status: QueueStatus, annotatorId: number): QueueRecord {
    const result = this.db
      .prepare(
        `UPDATE queue SET status = ?, assignee_id = ?, assigned_at = ? WHERE round_id = ? AND sample_id = ?`,
      )
      .run(
        status,
        status === 'new' ? null : annotatorId,
        status === 'new' ? null : this.now(),
        roundId,
        sampleId,
      );
    if (result.changes === 0)
      throw new AppError('not_found', `sample ${sampleId} is not in the queue of this round`, 'sampleId');
    return this.queueItem(roundId, sampleId)!;
  }
}

interface QueueDbRow {
  round_id: number;
  sample_id: number;
  rank: number;
  score: number;
  reason: string;
  status: QueueStatus;
  assignee: string | null;
}

const QUEUE_SELECT = `SELECT q.round_id, q.sample_id, q.rank, r.score, r.reason, q.status, a.name AS assignee
  FROM queue q JOIN rankings r ON r.round_id = q.round_id AND r.sample_id = q.sample_id
  LEFT JOIN annotators a ON a.id = q.assignee_id`;

function toQueue(row: QueueDbRow): QueueRecord {
  return {
    roundId: row.round_id,
    sampleId: row.sample_id,
    rank: row.rank,
    score: row.score,
    reason: JSON.parse(row.reason) as Record<string, unknown>,
    status: row.status,
    assignee: row.assignee,
  };
}

function toRound(row: RoundDbRow): RoundRecord {
  return {
    id: row.id,
    number: row.number,
    sampler: row.sampler,
    budget: row.budget,
    config: JSON.parse(row.config) as Record<string, unknown>,
    status: row.status,
    labelledCount: row.labelled_count,
    stageSeconds: JSON.parse(row.stage_timings) as Record<string, number>,
    metrics: JSON.parse(row.metrics) as Record<string, number | null>,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    checkpointId: row.checkpoint_id,
  };
}
