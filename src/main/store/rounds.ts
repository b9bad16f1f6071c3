import { AppError } from '@shared/errors';
import type { Db } from './db';

export type RoundStatus = 'pending' | 'training' | 'inferring' | 'ranking' | 'done' | 'failed' | 'cancelled';

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
  /** The lease: who runs the round and when they last said they still do (null for rounds of older versions). */
  owner: string | null;
  heartbeatAt: string | null;
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
  owner: string | null;
  heartbeat_at: string | null;
}

const UNFINISHED = `('pending', 'training', 'inferring', 'ranking')`;
const ROUND_SELECT = `SELECT r.*,
  (SELECT c.id FROM checkpoints c WHERE c.round_id = r.id ORDER BY c.id DESC LIMIT 1) AS checkpoint_id
  FROM rounds r`;

/**
 * Rounds and the labelled set each trained on. A round's outputs (checkpoints, predictions, the ranked queue) have
 * their own repos; `abandon` is the one place that removes them, because a round that did not finish must leave
 * no half-written output behind.
 */
export class RoundRepo {
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.sql = {
      running: db.prepare<[], { number: number }>(`SELECT number FROM rounds WHERE status IN ${UNFINISHED}`),
      nextNumber: db.prepare<[], number>('SELECT COALESCE(MAX(number), 0) + 1 FROM rounds').pluck(),
      insert: db.prepare(
        `INSERT INTO rounds (number, sampler, budget, config, status, labelled_count, started_at, owner, heartbeat_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      ),
      snapshot: db.prepare('INSERT INTO round_labelled (round_id, sample_id) VALUES (?, ?)'),
      byId: db.prepare<[number], RoundDbRow>(`${ROUND_SELECT} WHERE r.id = ?`),
      latest: db.prepare<[], RoundDbRow>(`${ROUND_SELECT} ORDER BY r.number DESC LIMIT 1`),
      all: db.prepare<[], RoundDbRow>(`${ROUND_SELECT} ORDER BY r.number`),
      setStage: db.prepare(
        `UPDATE rounds SET status = ?, stage_timings = ?, metrics = ?, error = ?, finished_at = ? WHERE id = ?`,
      ),
      heartbeat: db.prepare(
        `UPDATE rounds SET heartbeat_at = ? WHERE id = ? AND owner = ? AND status IN ${UNFINISHED}`,
      ),
      dropQueue: db.prepare('DELETE FROM queue WHERE round_id = ?'),
      dropRankings: db.prepare('DELETE FROM rankings WHERE round_id = ?'),
      dropPredictions: db.prepare('DELETE FROM predictions WHERE round_id = ?'),
    };
  }

  /** Starts a round; refuses while another is unfinished (one round at a time per project). */
  create(round: {
    sampler: string;
    budget: number;
    config: Record<string, unknown>;
    labelledSampleIds: readonly number[];
    /** The lease holder's id; it renews the lease with `heartbeat` while the round runs. */
    owner: string;
  }): RoundRecord {
    return this.db.transaction(() => {
      const running = this.sql.running.get();
      if (running)
        throw new AppError('busy', `round ${running.number} is still running; wait for it or cancel it`);
      const id = Number(
        this.sql.insert.run(
          this.sql.nextNumber.get()!,
          round.sampler,
          round.budget,
          JSON.stringify(round.config),
          round.labelledSampleIds.length,
          this.now(),
          round.owner,
          this.now(),
        ).lastInsertRowid,
      );
      for (const sampleId of round.labelledSampleIds) this.sql.snapshot.run(id, sampleId);
      return this.get(id)!;
    })();
  }

  get(id: number): RoundRecord | null {
    const row = this.sql.byId.get(id);
    return row ? toRound(row) : null;
  }

  latest(): RoundRecord | null {
    const row = this.sql.latest.get();
    return row ? toRound(row) : null;
  }

  list(): RoundRecord[] {
    return this.sql.all.all().map(toRound);
  }

  /** Renews the owner's lease on an unfinished round. */
  heartbeat(roundId: number, owner: string): void {
    this.sql.heartbeat.run(this.now(), roundId, owner);
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
    this.sql.setStage.run(
      status,
      JSON.stringify({ ...round.stageSeconds, ...update.stageSeconds }),
      JSON.stringify({ ...round.metrics, ...update.metrics }),
      update.error ?? round.error,
      finished ? this.now() : null,
      roundId,
    );
  }

  /** Ends a round that did not finish, removing its rankings, queue and predictions so nothing half-written remains. */
  abandon(roundId: number, status: 'failed' | 'cancelled', error: string): void {
    this.db.transaction(() => {
      this.sql.dropQueue.run(roundId);
      this.sql.dropRankings.run(roundId);
      this.sql.dropPredictions.run(roundId);
      this.setStage(roundId, status, { error });
    })();
  }
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
    owner: row.owner,
    heartbeatAt: row.heartbeat_at,
  };
}
