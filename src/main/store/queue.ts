import { AppError } from '@shared/errors';
import type { Db } from './db';

export type QueueStatus = 'new' | 'in_progress' | 'done' | 'skipped';

export interface RankingRow {
  sampleId: number;
  score: number;
  reason: Record<string, unknown>;
}

export interface QueueRecord {
  roundId: number;
  roundNumber: number;
  sampleId: number;
  rank: number;
  score: number;
  reason: Record<string, unknown>;
  status: QueueStatus;
  assignee: string | null;
}

interface QueueDbRow {
  round_id: number;
  round_number: number;
  sample_id: number;
  rank: number;
  score: number;
  reason: string;
  status: QueueStatus;
  assignee: string | null;
}

const QUEUE_SELECT = `SELECT q.round_id, ro.number AS round_number, q.sample_id, q.rank, r.score, r.reason, q.status, a.name AS assignee
  FROM queue q JOIN rankings r ON r.round_id = q.round_id AND r.sample_id = q.sample_id
  JOIN rounds ro ON ro.id = q.round_id LEFT JOIN annotators a ON a.id = q.assignee_id`;

/**
 * A round's ranking (score and reason per sample) and the annotation queue built from it. The two are written
 * together, so either both exist for a round or neither does.
 */
export class QueueRepo {
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.sql = {
      insertRank: db.prepare(
        'INSERT INTO rankings (round_id, rank, sample_id, score, reason) VALUES (?, ?, ?, ?, ?)',
      ),
      insertItem: db.prepare(`INSERT INTO queue (round_id, sample_id, rank, status) VALUES (?, ?, ?, 'new')`),
      dropQueue: db.prepare('DELETE FROM queue WHERE round_id = ?'),
      dropRankings: db.prepare('DELETE FROM rankings WHERE round_id = ?'),
      lastRank: db
        .prepare<[number], number>('SELECT COALESCE(MAX(rank), 0) FROM rankings WHERE round_id = ?')
        .pluck(),
      ranked: db.prepare('SELECT 1 FROM rankings WHERE round_id = ? AND sample_id = ?'),
      count: db.prepare<[number], number>('SELECT COUNT(*) FROM queue WHERE round_id = ?').pluck(),
      countByStatus: db
        .prepare<[number, string], number>('SELECT COUNT(*) FROM queue WHERE round_id = ? AND status = ?')
        .pluck(),
      page: db.prepare<{ roundId: number; afterRank: number; limit: number }, QueueDbRow>(
        `${QUEUE_SELECT} WHERE q.round_id = @roundId AND q.rank > @afterRank ORDER BY q.rank LIMIT @limit`,
      ),
      pageByStatus: db.prepare<
        { roundId: number; status: string; afterRank: number; limit: number },
        QueueDbRow
      >(
        `${QUEUE_SELECT} WHERE q.round_id = @roundId AND q.status = @status AND q.rank > @afterRank
         ORDER BY q.rank LIMIT @limit`,
      ),
      item: db.prepare<[number, number], QueueDbRow>(
        `${QUEUE_SELECT} WHERE q.round_id = ? AND q.sample_id = ?`,
      ),
      own: db
        .prepare<[number, number], number>(
          `SELECT sample_id FROM queue WHERE round_id = ? AND status = 'in_progress' AND assignee_id = ?
           ORDER BY rank LIMIT 1`,
        )
        .pluck(),
      bestNew: db
        .prepare<[number], number>(
          `SELECT sample_id FROM queue WHERE round_id = ? AND status = 'new' ORDER BY rank LIMIT 1`,
        )
        .pluck(),
      newestRound: db
        .prepare<[], number>(
          'SELECT q.round_id FROM queue q JOIN rounds r ON r.id = q.round_id ORDER BY r.number DESC LIMIT 1',
        )
        .pluck(),
      // Rounds with items still to do, newest first: where Next looks after the newest queue is used up.
      openRounds: db
        .prepare<[], number>(
          `SELECT q.round_id FROM queue q JOIN rounds r ON r.id = q.round_id
           WHERE q.status IN ('new', 'in_progress') GROUP BY q.round_id ORDER BY MAX(r.number) DESC`,
        )
        .pluck(),
      roundOf: db
        .prepare<[number], number>(
          `SELECT q.round_id FROM queue q JOIN rounds r ON r.id = q.round_id WHERE q.sample_id = ?
           ORDER BY r.number DESC LIMIT 1`,
        )
        .pluck(),
      // A diversity reason names its nearest centre by position: the n-th sample of the round's labelled snapshot
      // the sampler saw (those predicted for the round, in id order), or the round's n-th pick.
      nearestLabelled: db
        .prepare<[number, number], number>(
          `SELECT p.sample_id FROM predictions p
           JOIN round_labelled rl ON rl.round_id = p.round_id AND rl.sample_id = p.sample_id
           WHERE p.round_id = ? ORDER BY p.sample_id LIMIT 1 OFFSET ?`,
        )
        .pluck(),
      nearestPicked: db
        .prepare<[number, number], number>('SELECT sample_id FROM rankings WHERE round_id = ? AND rank = ?')
        .pluck(),
      setStatus: db.prepare(
        `UPDATE queue SET status = ?, assignee_id = ?, assigned_at = ? WHERE round_id = ? AND sample_id = ?`,
      ),
    };
  }

  /** Writes the ranking and the queue of a round together, replacing any earlier one of that round. */
  putRanking(roundId: number, ranked: readonly RankingRow[]): void {
    this.db.transaction(() => {
      this.sql.dropQueue.run(roundId);
      this.sql.dropRankings.run(roundId);
      ranked.forEach((r, i) => {
        this.sql.insertRank.run(roundId, i + 1, r.sampleId, r.score, JSON.stringify(r.reason));
        this.sql.insertItem.run(roundId, r.sampleId, i + 1);
      });
    })();
  }

  /** Appends samples after a round's last rank (hand-marked images); skips ones already in it. */
  append(roundId: number, rows: readonly RankingRow[]): number {
    return this.db.transaction(() => {
      let rank = this.sql.lastRank.get(roundId)!;
      let added = 0;
      for (const row of rows) {
        if (this.sql.ranked.get(roundId, row.sampleId)) continue;
        rank++;
        this.sql.insertRank.run(roundId, rank, row.sampleId, row.score, JSON.stringify(row.reason));
        this.sql.insertItem.run(roundId, row.sampleId, rank);
        added++;
      }
      return added;
    })();
  }

  count(roundId: number, status?: QueueStatus): number {
    return status ? this.sql.countByStatus.get(roundId, status)! : this.sql.count.get(roundId)!;
  }

  list(roundId: number, options: { status?: QueueStatus; afterRank: number; limit: number }): QueueRecord[] {
    const { afterRank, limit } = options;
    const rows = options.status
      ? this.sql.pageByStatus.all({ roundId, status: options.status, afterRank, limit })
      : this.sql.page.all({ roundId, afterRank, limit });
    return rows.map((row) => this.withNearest(toQueue(row)));
  }

  /** Adds `nearestSampleId` to a reason that names its nearest centre (`labelled #n`, `picked candidate #n`). */
  private withNearest(record: QueueRecord): QueueRecord {
    const nearest = record.reason.nearest as { set?: string; index?: number } | null | undefined;
    if (!nearest || typeof nearest.index !== 'number') return record;
    const sampleId =
      nearest.set === 'labelled'
        ? this.sql.nearestLabelled.get(record.roundId, nearest.index)
        : nearest.set === 'picked'
          ? this.sql.nearestPicked.get(record.roundId, nearest.index + 1)
          : undefined;
    return sampleId === undefined
      ? record
      : { ...record, reason: { ...record.reason, nearestSampleId: sampleId } };
  }

  item(roundId: number, sampleId: number): QueueRecord | null {
    const row = this.sql.item.get(roundId, sampleId);
    return row ? this.withNearest(toQueue(row)) : null;
  }

  /**
   * Gives the caller their own unfinished item if they have one, else the best-ranked new one, in one transaction:
   * two annotators never receive the same image.
   */
  claimNext(roundId: number, annotatorId: number): QueueRecord | null {
    return this.db.transaction(() => {
      const sampleId = this.sql.own.get(roundId, annotatorId) ?? this.sql.bestNew.get(roundId);
      if (sampleId === undefined) return null;
      this.sql.setStatus.run('in_progress', annotatorId, this.now(), roundId, sampleId);
      return this.item(roundId, sampleId);
    })();
  }

  /** The newest round that has a queue, whatever the status of later rounds (training, failed, cancelled). */
  newestRound(): number | null {
    return this.sql.newestRound.get() ?? null;
  }

  /**
   * Next for a caller who names no round: their own unfinished item or the best new one of the newest queue, then
   * of earlier queues (newest first), so items a later round did not re-rank stay reachable.
   */
  claimNextAnywhere(annotatorId: number): QueueRecord | null {
    return this.db.transaction(() => {
      const rounds = this.sql.openRounds.all();
      for (const roundId of rounds) {
        const own = this.sql.own.get(roundId, annotatorId);
        if (own !== undefined) return this.item(roundId, own);
      }
      for (const roundId of rounds) {
        const item = this.claimNext(roundId, annotatorId);
        if (item) return item;
      }
      return null;
    })();
  }

  /** The newest round whose queue holds a sample (for `queue.set` without a round). */
  roundOf(sampleId: number): number | null {
    return this.sql.roundOf.get(sampleId) ?? null;
  }

  /** Sets an item's status; `new` releases it, others keep the annotator who set them. */
  setStatus(roundId: number, sampleId: number, status: QueueStatus, annotatorId: number): QueueRecord {
    const released = status === 'new';
    const result = this.sql.setStatus.run(
      status,
      released ? null : annotatorId,
      released ? null : this.now(),
      roundId,
      sampleId,
    );
    if (result.changes === 0)
      throw new AppError('not_found', `sample ${sampleId} is not in the queue of this round`, 'sampleId');
    return this.item(roundId, sampleId)!;
  }
}

function toQueue(row: QueueDbRow): QueueRecord {
  return {
    roundId: row.round_id,
    roundNumber: row.round_number,
    sampleId: row.sample_id,
    rank: row.rank,
    score: row.score,
    reason: JSON.parse(row.reason) as Record<string, unknown>,
    status: row.status,
    assignee: row.assignee,
  };
}
