import type { Joint, JointState } from '@shared/domain';
import type { Db } from './db';

/** What labelling one round's picks cost: per annotator and in total. */
export interface CostTally {
  /** Images of the round's queue whose annotation is done. */
  images: number;
  /** Mean seconds spent per image (the annotation's recorded editing time, all sessions). */
  secondsPerImage: number | null;
  /** The final label's joints by how they got there. `predicted` = saved without review. */
  joints: Record<JointState, number>;
  /** Mean image distance (px) between a moved joint and the prediction it started from. */
  meanMovedPx: number | null;
}

export interface RoundCost {
  total: CostTally;
  byAnnotator: (CostTally & { annotator: string })[];
}

interface CostRow {
  annotator: string | null;
  joints: string;
  seconds_spent: number;
  mean: Buffer | null;
}

/** Running sums for one tally. */
class Sums {
  images = 0;
  seconds = 0;
  movedPx = 0;
  moved = 0;
  joints: Record<JointState, number> = { predicted: 0, accepted: 0, moved: 0, created: 0 };

  add(row: CostRow): void {
    this.images++;
    this.seconds += row.seconds_spent;
    const mean = row.mean
      ? new Float32Array(
          row.mean.buffer.slice(row.mean.byteOffset, row.mean.byteOffset + row.mean.byteLength),
        )
      : null;
    (JSON.parse(row.joints) as Joint[]).forEach((joint, j) => {
      if (joint.visibility === 'absent' || joint.u === null || joint.v === null) return;
      this.joints[joint.state]++;
      if (joint.state !== 'moved' || !mean || mean.length < 3 * (j + 1)) return;
      this.movedPx += Math.hypot(joint.u - mean[3 * j]!, joint.v - mean[3 * j + 1]!);
      this.moved++;
    });
  }

  tally(): CostTally {
    return {
      images: this.images,
      secondsPerImage: this.images ? this.seconds / this.images : null,
      joints: { ...this.joints },
      meanMovedPx: this.moved ? this.movedPx / this.moved : null,
    };
  }
}

/**
 * Annotation cost of a round's picks (issue 16: what each sampler's picks cost a person): the done labels of the
 * round's queue, with the prediction each started from (the one recorded on the label, else the round's own).
 */
export class CostRepo {
  private readonly rows;

  constructor(db: Db) {
    this.rows = db.prepare<[number], CostRow>(
      `SELECT n.name AS annotator, a.joints, a.seconds_spent,
         COALESCE(pf.mean, pr.mean) AS mean
       FROM queue q
       JOIN annotations a ON a.sample_id = q.sample_id AND a.status = 'done'
       LEFT JOIN annotators n ON n.id = a.annotator_id
       LEFT JOIN predictions pf ON pf.id = a.from_prediction_id
       LEFT JOIN predictions pr ON pr.round_id = q.round_id AND pr.sample_id = q.sample_id
       WHERE q.round_id = ?
       ORDER BY q.rank`,
    );
  }

  ofRound(roundId: number): RoundCost {
    const total = new Sums();
    const byAnnotator = new Map<string, Sums>();
    for (const row of this.rows.all(roundId)) {
      total.add(row);
      const name = row.annotator ?? 'unknown';
      if (!byAnnotator.has(name)) byAnnotator.set(name, new Sums());
      byAnnotator.get(name)!.add(row);
    }
    return {
      total: total.tally(),
      byAnnotator: [...byAnnotator]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([annotator, sums]) => ({ annotator, ...sums.tally() })),
    };
  }
}
