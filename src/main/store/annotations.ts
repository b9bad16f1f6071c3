import { AppError } from '@shared/errors';
import type { Joint } from '@shared/domain';
import type { Db } from './db';
import type { AnnotationRecord, AnnotationStatus, HistoryRecord } from './rows';

/** History rows: 0 = in effect, 1 = undone and redoable, 2 = undone and superseded by a later edit. */
const IN_EFFECT = 0;
const REDOABLE = 1;
const SUPERSEDED = 2;

interface AnnotationState {
  status: AnnotationStatus;
  joints: Joint[];
}

interface AnnotationDbRow {
  sample_id: number;
  revision: number;
  status: AnnotationStatus;
  joints: string;
  annotator: string | null;
  from_prediction_id: number | null;
  seconds_spent: number;
  created_at: string;
  updated_at: string;
}

export interface SaveAnnotation {
  sampleId: number;
  joints: Joint[];
  baseRevision: number;
  status: AnnotationStatus;
  annotatorId: number;
  secondsSpent: number;
  fromPredictionId?: number | null;
}

/** Indices of joints whose position, visibility or state differ. */
export function changedJoints(before: readonly Joint[] | null, after: readonly Joint[]): number[] {
  const changed: number[] = [];
  for (let i = 0; i < after.length; i++) {
    const a = before?.[i];
    const b = after[i]!;
    if (
      !a ||
      a.u !== b.u ||
      a.v !== b.v ||
      a.d !== b.d ||
      a.visibility !== b.visibility ||
      a.state !== b.state
    ) {
      changed.push(i);
    }
  }
  return changed;
}

/**
 * Annotations and their persisted edit history. Every change is one transaction that writes the new state and
 * its history row together; undo and redo are replays of stored before/after states, so they survive a restart.
 */
export class AnnotationRepo {
  private readonly selectOne;
  private readonly maxRevision;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.selectOne = db.prepare<[number], AnnotationDbRow>(
      `SELECT a.*, n.name AS annotator FROM annotations a LEFT JOIN annotators n ON n.id = a.annotator_id
       WHERE a.sample_id = ?`,
    );
    this.maxRevision = db
      .prepare<[number], number>(
        'SELECT COALESCE(MAX(revision), 0) FROM annotation_history WHERE sample_id = ?',
      )
      .pluck();
  }

  get(sampleId: number): AnnotationRecord | null {
    const row = this.selectOne.get(sampleId);
    return row ? toRecord(row) : null;
  }

  history(sampleId: number): HistoryRecord[] {
    return this.db
      .prepare<
        [number],
        {
          id: number;
          revision: number;
          annotator: string | null;
          at: string;
          kind: HistoryRecord['kind'];
          joints_changed: string;
          undone: number;
        }
      >(
        `SELECT h.id, h.revision, n.name AS annotator, h.at, h.kind, h.joints_changed, h.undone
         FROM annotation_history h LEFT JOIN annotators n ON n.id = h.annotator_id
         WHERE h.sample_id = ? ORDER BY h.id`,
      )
      .all(sampleId)
      .map((row) => ({
        id: row.id,
        revision: row.revision,
        annotator: row.annotator ?? 'unknown',
        at: row.at,
        kind: row.kind,
        jointsChanged: JSON.parse(row.joints_changed) as number[],
        undone: row.undone !== IN_EFFECT,
      }));
  }

  /** Saves an edit made on `baseRevision`; a different current revision is a conflict, never a silent overwrite. */
  save(edit: SaveAnnotation): AnnotationRecord {
    return this.db.transaction(() => {
      const current = this.get(edit.sampleId);
      const currentRevision = current?.revision ?? 0;
      if (currentRevision !== edit.baseRevision) {
        throw new AppError(
          'conflict',
          `sample ${edit.sampleId} was changed by ${current?.annotator ?? 'someone else'} at ${current?.updatedAt ?? 'an earlier time'} ` +
            `(revision ${currentRevision}, your edit was made on revision ${edit.baseRevision}); reload it and reapply your change`,
          'baseRevision',
        );
      }
      const after: AnnotationState = { status: edit.status, joints: edit.joints };
      const revision = this.write(edit.sampleId, after, edit.annotatorId, {
        secondsSpent: (current?.secondsSpent ?? 0) + edit.secondsSpent,
        fromPredictionId: edit.fromPredictionId ?? current?.fromPredictionId ?? null,
      });
      this.db
        .prepare('UPDATE annotation_history SET undone = ? WHERE sample_id = ? AND undone = ?')
        .run(SUPERSEDED, edit.sampleId, REDOABLE);
      this.appendHistory(edit.sampleId, revision, edit.annotatorId, 'edit', current, after);
      return this.get(edit.sampleId)!;
    })();
  }

  /** Reverts the latest edit in effect; returns the restored annotation (null when none existed before it). */
  undo(sampleId: number, annotatorId: number): AnnotationRecord | null {
    return this.db.transaction(() => {
      const last = this.db
        .prepare<[number, number], { id: number; before: string | null }>(
          `SELECT id, before FROM annotation_history WHERE sample_id = ? AND kind = 'edit' AND undone = ?
           ORDER BY id DESC LIMIT 1`,
        )
        .get(sampleId, IN_EFFECT);
      if (!last) throw new AppError('conflict', `sample ${sampleId} has nothing to undo`);
      this.db.prepare('UPDATE annotation_history SET undone = ? WHERE id = ?').run(REDOABLE, last.id);
      return this.restore(
        sampleId,
        annotatorId,
        'undo',
        last.before ? (JSON.parse(last.before) as AnnotationState) : null,
      );
    })();
  }

  /** Re-applies the most recently undone edit. */
  redo(sampleId: number, annotatorId: number): AnnotationRecord | null {
    return this.db.transaction(() => {
      const next = this.db
        .prepare<[number, number], { id: number; after: string }>(
          `SELECT id, after FROM annotation_history WHERE sample_id = ? AND kind = 'edit' AND undone = ?
           ORDER BY id ASC LIMIT 1`,
        )
        .get(sampleId, REDOABLE);
      if (!next) throw new AppError('conflict', `sample ${sampleId} has nothing to redo`);
      this.db.prepare('UPDATE annotation_history SET undone = ? WHERE id = ?').run(IN_EFFECT, next.id);
      return this.restore(sampleId, annotatorId, 'redo', JSON.parse(next.after) as AnnotationState);
    })();
  }

  private restore(
    sampleId: number,
    annotatorId: number,
    kind: 'undo' | 'redo',
    target: AnnotationState | null,
  ): AnnotationRecord | null {
    const current = this.get(sampleId);
    if (target === null) {
      this.db.prepare('DELETE FROM annotations WHERE sample_id = ?').run(sampleId);
      this.syncSplit(sampleId, null);
      const revision = this.maxRevision.get(sampleId)! + 1;
      this.appendHistory(sampleId, revision, annotatorId, kind, current, {
        status: 'in_progress',
        joints: [],
      });
      return null;
    }
    const revision = this.write(sampleId, target, annotatorId, {
      secondsSpent: current?.secondsSpent ?? 0,
      fromPredictionId: current?.fromPredictionId ?? null,
    });
    this.appendHistory(sampleId, revision, annotatorId, kind, current, target);
    return this.get(sampleId);
  }

  /** Writes the annotation row at the next revision and keeps the sample's split in step with its status. */
  private write(
    sampleId: number,
    state: AnnotationState,
    annotatorId: number,
    extra: { secondsSpent: number; fromPredictionId: number | null },
  ): number {
    const revision = this.maxRevision.get(sampleId)! + 1;
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO annotations (sample_id, revision, status, joints, annotator_id, from_prediction_id, seconds_spent, created_at, updated_at)
         VALUES (@sampleId, @revision, @status, @joints, @annotatorId, @fromPredictionId, @secondsSpent, @at, @at)
         ON CONFLICT (sample_id) DO UPDATE SET revision = excluded.revision, status = excluded.status,
           joints = excluded.joints, annotator_id = excluded.annotator_id,
           from_prediction_id = excluded.from_prediction_id, seconds_spent = excluded.seconds_spent,
           updated_at = excluded.updated_at`,
      )
      .run({
        sampleId,
        revision,
        status: state.status,
        joints: JSON.stringify(state.joints),
        annotatorId,
        fromPredictionId: extra.fromPredictionId,
        secondsSpent: extra.secondsSpent,
        at,
      });
    this.syncSplit(sampleId, state.status);
    return revision;
  }

  /** Outside the test split, a sample is in the labelled set (`train`) exactly when its annotation is done. */
  private syncSplit(sampleId: number, status: AnnotationStatus | null): void {
    this.db
      .prepare(`UPDATE samples SET split = ? WHERE id = ? AND split != 'test'`)
      .run(status === 'done' ? 'train' : 'pool', sampleId);
  }

  private appendHistory(
    sampleId: number,
    revision: number,
    annotatorId: number,
    kind: 'edit' | 'undo' | 'redo',
    before: AnnotationState | null,
    after: AnnotationState,
  ): void {
    const beforeState = before ? { status: before.status, joints: before.joints } : null;
    this.db
      .prepare(
        `INSERT INTO annotation_history (sample_id, revision, annotator_id, at, kind, before, after, joints_changed, undone)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sampleId,
        revision,
        annotatorId,
        this.now(),
        kind,
        beforeState ? JSON.stringify(beforeState) : null,
        JSON.stringify(after),
        JSON.stringify(changedJoints(before?.joints ?? null, after.joints)),
        IN_EFFECT,
      );
  }
}

function toRecord(row: AnnotationDbRow): AnnotationRecord {
  return {
    sampleId: row.sample_id,
    revision: row.revision,
    status: row.status,
    joints: JSON.parse(row.joints) as Joint[],
    annotator: row.annotator,
    fromPredictionId: row.from_prediction_id,
    secondsSpent: row.seconds_spent,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
