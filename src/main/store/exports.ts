import type { Joint, Modality, Split } from '@shared/domain';
import type { ExportSample, ExportedState } from '@shared/export-sample';
import { applyUnreviewed, type Unreviewed } from '@shared/review';
import type { Db } from './db';
import type { AnnotationStatus } from './rows';

/** Which samples an export takes (already validated by the contract). */
export interface ExportQuery {
  split: Split | 'all';
  /** labelled = annotation done; all = every sample. */
  status: 'labelled' | 'all';
  /** Whether joints still `predicted` count as labels (include) or are exported as unlabelled (exclude). */
  unreviewed: Unreviewed;
  roundId?: number;
  sampler?: string;
  /** Samples with at least one history row by this annotator. */
  annotator?: string;
  datasetId?: number;
  /** ISO bounds on the annotation's updated_at; `updatedBefore` is exclusive. */
  updatedFrom?: string;
  updatedBefore?: string;
}

export interface ExportCounts {
  samples: number;
  bySplit: Record<string, number>;
  byStatus: Record<string, number>;
  byRound: { roundId: number | null; number: number | null; sampler: string | null; samples: number }[];
  byAnnotator: { annotator: string | null; samples: number }[];
  unreviewed: { samples: number; joints: number };
}

interface FilteredRow {
  id: number;
  dataset_id: number;
  source_key: string;
  image_path: string;
  modality: Modality;
  width: number;
  height: number;
  split: Split;
  box: string | null;
  status: AnnotationStatus | null;
  revision: number | null;
  joints: string | null;
  annotator: string | null;
  created_at: string | null;
  updated_at: string | null;
  seconds_spent: number | null;
  from_prediction_id: number | null;
  sel_round_id: number | null;
}

const PAGE = 1000;

/**
 * The export queries: the filtered sample set with each sample's selection (round, sampler, rank, score), model
 * version, prediction before correction and edit history summary. Read-only.
 */
export class ExportRepo {
  constructor(private readonly db: Db) {}

  /** The filtered sample set as one SQL fragment: `WITH sel AS (…) SELECT … FROM samples s …` + parameters. */
  private filtered(query: ExportQuery, columns: string): { sql: string; params: Record<string, unknown> } {
    const params: Record<string, unknown> = {};
    const roundWhere: string[] = [];
    if (query.roundId !== undefined) {
      roundWhere.push('ro.id = @roundId');
      params.roundId = query.roundId;
    }
    if (query.sampler !== undefined) {
      roundWhere.push('ro.sampler = @sampler');
      params.sampler = query.sampler;
    }
    const where: string[] = [];
    if (query.split !== 'all') {
      where.push('s.split = @split');
      params.split = query.split;
    }
    if (query.status === 'labelled') where.push(`a.status = 'done'`);
    if (roundWhere.length > 0) where.push('sel.round_id IS NOT NULL');
    if (query.datasetId !== undefined) {
      where.push('s.dataset_id = @datasetId');
      params.datasetId = query.datasetId;
    }
    if (query.annotator !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM annotation_history h JOIN annotators hn ON hn.id = h.annotator_id
        WHERE h.sample_id = s.id AND hn.name = @annotator)`);
      params.annotator = query.annotator;
    }
    if (query.updatedFrom !== undefined) {
      where.push('a.updated_at >= @updatedFrom');
      params.updatedFrom = query.updatedFrom;
    }
    if (query.updatedBefore !== undefined) {
      where.push('a.updated_at < @updatedBefore');
      params.updatedBefore = query.updatedBefore;
    }
    // The latest ranking of each sample among the rounds the filters allow (SQLite: bare columns follow MAX).
    const sql = `WITH sel AS (
        SELECT rk.sample_id, rk.round_id, MAX(ro.number) AS number
        FROM rankings rk JOIN rounds ro ON ro.id = rk.round_id
        ${roundWhere.length ? `WHERE ${roundWhere.join(' AND ')}` : ''}
        GROUP BY rk.sample_id
      )
      SELECT ${columns}
      FROM samples s
      LEFT JOIN annotations a ON a.sample_id = s.id
      LEFT JOIN annotators n ON n.id = a.annotator_id
      LEFT JOIN sel ON sel.sample_id = s.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    return { sql, params };
  }

  /** Counts for the export view's live preview (SQL aggregates, no rows loaded). */
  counts(query: ExportQuery): ExportCounts {
    const base = this.filtered(
      query,
      `s.id, s.split, COALESCE(a.status, 'none') AS status, n.name AS annotator, sel.round_id`,
    );
    const grouped = <T>(select: string, group: string, order: string): T[] =>
      this.db
        .prepare<Record<string, unknown>, T>(
          `WITH f AS (${base.sql}) SELECT ${select}, COUNT(*) AS samples FROM f ${group} ${order}`,
        )
        .all(base.params);
    const bySplit = grouped<{ split: string; samples: number }>('f.split', 'GROUP BY f.split', 'ORDER BY 1');
    const byStatus = grouped<{ status: string; samples: number }>(
      'f.status',
      'GROUP BY f.status',
      'ORDER BY 1',
    );
    const byRound = grouped<{
      roundId: number | null;
      number: number | null;
      sampler: string | null;
      samples: number;
    }>(
      'f.round_id AS roundId, ro.number AS number, ro.sampler AS sampler',
      'LEFT JOIN rounds ro ON ro.id = f.round_id GROUP BY f.round_id',
      'ORDER BY ro.number IS NULL, ro.number',
    );
    const byAnnotator = grouped<{ annotator: string | null; samples: number }>(
      'f.annotator AS annotator',
      'GROUP BY f.annotator',
      'ORDER BY f.annotator IS NULL, f.annotator',
    );
    // Unreviewed joints of the current done annotations (a reopened sample's last done state is not counted).
    const unreviewed = this.db
      .prepare<Record<string, unknown>, { samples: number; joints: number }>(
        `WITH f AS (${base.sql}), u AS (
           SELECT f.id, (SELECT COUNT(*) FROM json_each(a.joints) j
             WHERE json_extract(j.value, '$.state') = 'predicted'
               AND json_extract(j.value, '$.visibility') != 'absent'
               AND json_extract(j.value, '$.u') IS NOT NULL) AS n
           FROM f JOIN annotations a ON a.sample_id = f.id AND a.status = 'done')
         SELECT COUNT(*) AS samples, COALESCE(SUM(n), 0) AS joints FROM u WHERE n > 0`,
      )
      .get(base.params)!;
    return {
      unreviewed,
      samples: bySplit.reduce((sum, row) => sum + row.samples, 0),
      bySplit: Object.fromEntries(bySplit.map((row) => [row.split, row.samples])),
      byStatus: Object.fromEntries(byStatus.map((row) => [row.status, row.samples])),
      byRound,
      byAnnotator,
    };
  }

  /**
   * Every matching sample with its provenance, ascending by id. All pages are read in one transaction, so the export
   * is one consistent snapshot even while annotators keep saving.
   */
  collect(query: ExportQuery): ExportSample[] {
    const base = this.filtered(
      query,
      `s.id, s.dataset_id, s.source_key, s.image_path, s.modality, s.width, s.height, s.split, s.box,
       a.status, a.revision, a.joints, n.name AS annotator, a.created_at, a.updated_at, a.seconds_spent,
       a.from_prediction_id, sel.round_id AS sel_round_id`,
    );
    const page = this.db.prepare<Record<string, unknown>, FilteredRow>(
      `SELECT * FROM (${base.sql}) WHERE id > @after ORDER BY id LIMIT ${PAGE}`,
    );
    const lastDone = this.db
      .prepare<[number], string>(
        `SELECT after FROM annotation_history WHERE sample_id = ? AND json_extract(after, '$.status') = 'done'
         ORDER BY id DESC LIMIT 1`,
      )
      .pluck();
    const history = this.db.prepare<[number], { name: string | null; kind: string }>(
      `SELECT n.name, h.kind FROM annotation_history h LEFT JOIN annotators n ON n.id = h.annotator_id
       WHERE h.sample_id = ? ORDER BY h.id`,
    );
    const ranking = this.db.prepare<
      [number, number],
      { round_id: number; number: number; sampler: string; rank: number; score: number; reason: string }
    >(
      `SELECT rk.round_id, ro.number, ro.sampler, rk.rank, rk.score, rk.reason
       FROM rankings rk JOIN rounds ro ON ro.id = rk.round_id WHERE rk.round_id = ? AND rk.sample_id = ?`,
    );
    const predictionById = this.db.prepare<[number], PredictionDbRow>(
      `SELECT id, round_id, checkpoint_id, passes, mean, epistemic_std, details, created_at FROM predictions WHERE id = ?`,
    );
    const predictionOfRound = this.db.prepare<[number, number], PredictionDbRow>(
      `SELECT id, round_id, checkpoint_id, passes, mean, epistemic_std, details, created_at FROM predictions
       WHERE round_id = ? AND sample_id = ?`,
    );
    const latestPrediction = this.db.prepare<[number], PredictionDbRow>(
      `SELECT id, round_id, checkpoint_id, passes, mean, epistemic_std, details, created_at FROM predictions
       WHERE sample_id = ? ORDER BY id DESC LIMIT 1`,
    );
    const checkpointById = this.db.prepare<[number], CheckpointDbRow>(
      'SELECT id, path, round_id, created_at FROM checkpoints WHERE id = ?',
    );
    const checkpointOfRound = this.db.prepare<[number], CheckpointDbRow>(
      'SELECT id, path, round_id, created_at FROM checkpoints WHERE round_id = ? ORDER BY id DESC LIMIT 1',
    );

    const read = (): ExportSample[] => {
      const records: ExportSample[] = [];
      for (let after = 0; ;) {
        const rows = page.all({ ...base.params, after });
        for (const row of rows) {
          let joints: Joint[] | null = null;
          let exportedState: ExportedState = 'none';
          if (row.status === 'done' && row.joints !== null) {
            joints = JSON.parse(row.joints) as Joint[];
            exportedState = 'current';
          } else if (row.status !== null) {
            const state = lastDone.get(row.id);
            if (state !== undefined) {
              joints = (JSON.parse(state) as { joints: Joint[] }).joints;
              exportedState = 'last-done';
            }
          }
          const steps = history.all(row.id);
          const annotators = [...new Set(steps.map((h) => h.name).filter((n): n is string => n !== null))];
          const rank = row.sel_round_id === null ? undefined : ranking.get(row.sel_round_id, row.id);
          const predictionRow =
            (row.from_prediction_id !== null ? predictionById.get(row.from_prediction_id) : undefined) ??
            (row.sel_round_id !== null ? predictionOfRound.get(row.sel_round_id, row.id) : undefined) ??
            latestPrediction.get(row.id);
          const checkpointRow =
            (predictionRow?.checkpoint_id != null
              ? checkpointById.get(predictionRow.checkpoint_id)
              : undefined) ??
            (row.sel_round_id !== null ? checkpointOfRound.get(row.sel_round_id) : undefined);
          records.push({
            sampleId: row.id,
            datasetId: row.dataset_id,
            sourceKey: row.source_key,
            imagePath: row.image_path,
            modality: row.modality,
            width: row.width,
            height: row.height,
            split: row.split,
            box: row.box ? (JSON.parse(row.box) as [number, number, number, number]) : null,
            joints: joints && applyUnreviewed(joints, query.unreviewed),
            exportedState,
            annotation:
              row.status === null
                ? null
                : {
                    status: row.status,
                    revision: row.revision!,
                    annotator: row.annotator,
                    createdAt: row.created_at!,
                    updatedAt: row.updated_at!,
                    secondsSpent: row.seconds_spent!,
                    fromPredictionId: row.from_prediction_id,
                  },
            annotators,
            historyRows: steps.length,
            edits: steps.filter((h) => h.kind === 'edit').length,
            selection: rank
              ? {
                  roundId: rank.round_id,
                  roundNumber: rank.number,
                  sampler: rank.sampler,
                  rank: rank.rank,
                  score: rank.score,
                  reason: JSON.parse(rank.reason) as Record<string, unknown>,
                }
              : null,
            checkpoint: checkpointRow
              ? {
                  id: checkpointRow.id,
                  path: checkpointRow.path,
                  roundId: checkpointRow.round_id,
                  createdAt: checkpointRow.created_at,
                }
              : null,
            prediction: predictionRow
              ? {
                  id: predictionRow.id,
                  roundId: predictionRow.round_id,
                  checkpointId: predictionRow.checkpoint_id,
                  passes: predictionRow.passes,
                  createdAt: predictionRow.created_at,
                  mean: floats(predictionRow.mean),
                  std: floats(predictionRow.epistemic_std),
                  scores: detectorScores(predictionRow.details),
                }
              : null,
          });
        }
        if (rows.length < PAGE) return records;
        after = rows.at(-1)!.id;
      }
    };
    return this.db.transaction(read)();
  }
}

interface PredictionDbRow {
  id: number;
  round_id: number | null;
  checkpoint_id: number | null;
  passes: number;
  mean: Buffer;
  epistemic_std: Buffer;
  details: string | null;
  created_at: string;
}

interface CheckpointDbRow {
  id: number;
  path: string;
  round_id: number | null;
  created_at: string;
}

function floats(blob: Buffer): number[] {
  return Array.from(new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)));
}

/** Per-joint detector scores of a pretrained model's prediction (details.source.scores), else null. */
function detectorScores(details: string | null): number[] | null {
  if (details === null) return null;
  const scores = (JSON.parse(details) as { source?: { scores?: unknown } }).source?.scores;
  return Array.isArray(scores) && scores.every((s) => typeof s === 'number') ? scores : null;
}
