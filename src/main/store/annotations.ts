import { AppError } from '@shared/errors';
import type { Joint } from '@shared/domain';
import { applyUnreviewed, type Unreviewed } from '@shared/review';
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

interface HistoryDbRow {
  id: number;
  revision: number;
  annotator: string | null;
  at: string;
  kind: HistoryRecord['kind'];
  joints_changed: string;
  undone: number;
}

const stateKey = (state: AnnotationState | null): string =>
  state === null ? 'null' : JSON.stringify({ status: state.status, joints: state.joints });

/**
 * Annotations and their persisted edit history. Every change is one transaction that writes the new state and
 * its history row together; undo and redo are replays of stored before/after states, so they survive a restart.
 *
 * Undo and redo belong to the annotator: each one walks back (or forward) through their own edits only, and only
 * while the sample still shows the state their edit left (undo) or found (redo). If someone else changed the sample
 * in between, the step is refused as a conflict instead of silently discarding the other person's work.
 */
export class AnnotationRepo {
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.sql = {
      selectOne: db.prepare<[number], AnnotationDbRow>(
        `SELECT a.*, n.name AS annotator FROM annotations a LEFT JOIN annotators n ON n.id = a.annotator_id
         WHERE a.sample_id = ?`,
      ),
      maxRevision: db
        .prepare<[number], number>(
          'SELECT COALESCE(MAX(revision), 0) FROM annotation_history WHERE sample_id = ?',
        )
        .pluck(),
      history: db.prepare<[number], HistoryDbRow>(
        `SELECT h.id, h.revision, n.name AS annotator, h.at, h.kind, h.joints_changed, h.undone
         FROM annotation_history h LEFT JOIN annotators n ON n.id = h.annotator_id
         WHERE h.sample_id = ? ORDER BY h.id`,
      ),
      predictionSample: db
        .prepare<[number], number>('SELECT sample_id FROM predictions WHERE id = ?')
        .pluck(),
      supersede: db.prepare('UPDATE annotation_history SET undone = ? WHERE sample_id = ? AND undone = ?'),
      lastOwnEdit: db.prepare<[number, number, number], { id: number; before: string | null; after: string }>(
        `SELECT id, before, after FROM annotation_history
         WHERE sample_id = ? AND annotator_id = ? AND kind = 'edit' AND undone = ? ORDER BY id DESC LIMIT 1`,
      ),
      firstOwnRedo: db.prepare<
        [number, number, number],
        { id: number; before: string | null; after: string }
      >(
        `SELECT id, before, after FROM annotation_history
         WHERE sample_id = ? AND annotator_id = ? AND kind = 'edit' AND undone = ? ORDER BY id ASC LIMIT 1`,
      ),
      lastWriter: db
        .prepare<[number], string | null>(
          `SELECT n.name FROM annotation_history h LEFT JOIN annotators n ON n.id = h.annotator_id
           WHERE h.sample_id = ? ORDER BY h.id DESC LIMIT 1`,
        )
        .pluck(),
      markUndone: db.prepare('UPDATE annotation_history SET undone = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM annotations WHERE sample_id = ?'),
      upsert: db.prepare(
        `INSERT INTO annotations (sample_id, revision, status, joints, annotator_id, from_prediction_id, seconds_spent, created_at, updated_at)
         VALUES (@sampleId, @revision, @status, @joints, @annotatorId, @fromPredictionId, @secondsSpent, @at, @at)
         ON CONFLICT (sample_id) DO UPDATE SET revision = excluded.revision, status = excluded.status,
           joints = excluded.joints, annotator_id = excluded.annotator_id,
           from_prediction_id = excluded.from_prediction_id, seconds_spent = excluded.seconds_spent,
           updated_at = excluded.updated_at`,
      ),
      syncSplit: db.prepare(`UPDATE samples SET split = ? WHERE id = ? AND split != 'test'`),
      appendHistory: db.prepare(
        `INSERT INTO annotation_history (sample_id, revision, annotator_id, at, kind, before, after, joints_changed, undone)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  get(sampleId: number): AnnotationRecord | null {
    const row = this.sql.selectOne.get(sampleId);
    return row ? toRecord(row) : null;
  }

  /**
   * The label a learner trains on: the annotation's joints, with joints never reviewed (still `predicted`) kept or
   * made absent as `unreviewed` says; null when the sample has no annotation.
   */
  labelOf(sampleId: number, unreviewed: Unreviewed): Joint[] | null {
    const joints = this.get(sampleId)?.joints;
    return joints ? applyUnreviewed(joints, unreviewed) : null;
  }

  history(sampleId: number): HistoryRecord[] {
    return this.sql.history.all(sampleId).map((row) => ({
      id: row.id,
      revision: row.revision,
      annotator: row.annotator ?? 'unknown',
      at: row.at,
      kind: row.kind,
      jointsChanged: JSON.parse(row.joints_changed) as number[],
      undone: row.undone !== IN_EFFECT,
    }));
  }

  /**
   * Saves an edit made on `baseRevision`; a different current revision is a conflict, never a silent overwrite.
   * `fromPredictionId` names the prediction the annotator started from; it must be one of this sample's. Without
   * it the annotation keeps the prediction it started from earlier (if any).
   */
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
      if (
        edit.fromPredictionId != null &&
        this.sql.predictionSample.get(edit.fromPredictionId) !== edit.sampleId
      )
        throw new AppError(
          'invalid_input',
          `prediction ${edit.fromPredictionId} is not a prediction of sample ${edit.sampleId}`,
          'fromPredictionId',
        );
      const after: AnnotationState = { status: edit.status, joints: edit.joints };
      const revision = this.write(edit.sampleId, after, edit.annotatorId, {
        secondsSpent: (current?.secondsSpent ?? 0) + edit.secondsSpent,
        fromPredictionId: edit.fromPredictionId ?? current?.fromPredictionId ?? null,
      });
      this.sql.supersede.run(SUPERSEDED, edit.sampleId, REDOABLE);
      this.appendHistory(edit.sampleId, revision, edit.annotatorId, 'edit', current, after);
      return this.get(edit.sampleId)!;
    })();
  }

  /** Reverts the annotator's own latest edit; returns the restored annotation (null when none existed before it). */
  undo(sampleId: number, annotatorId: number): AnnotationRecord | null {
    return this.db.transaction(() => {
      const last = this.sql.lastOwnEdit.get(sampleId, annotatorId, IN_EFFECT);
      if (!last) throw new AppError('conflict', `sample ${sampleId} has none of your edits to undo`);
      this.requireUnchangedSince(sampleId, last.after, 'undo');
      this.sql.markUndone.run(REDOABLE, last.id);
      return this.restore(sampleId, annotatorId, 'undo', parseState(last.before));
    })();
  }

  /** Re-applies the annotator's own most recently undone edit. */
  redo(sampleId: number, annotatorId: number): AnnotationRecord | null {
    return this.db.transaction(() => {
      const next = this.sql.firstOwnRedo.get(sampleId, annotatorId, REDOABLE);
      if (!next) throw new AppError('conflict', `sample ${sampleId} has none of your edits to redo`);
      this.requireUnchangedSince(sampleId, next.before, 'redo');
      this.sql.markUndone.run(IN_EFFECT, next.id);
      return this.restore(sampleId, annotatorId, 'redo', parseState(next.after));
    })();
  }

  /** Undo and redo only step from the state the annotator's own edit left or found, never over someone else's. */
  private requireUnchangedSince(sampleId: number, expected: string | null, kind: 'undo' | 'redo'): void {
    const current = this.get(sampleId);
    if (stateKey(current) === stateKey(parseState(expected))) return;
    const by = this.sql.lastWriter.get(sampleId) ?? 'someone else';
    throw new AppError(
      'conflict',
      `sample ${sampleId} was changed by ${by} after your edit; ${kind} would discard their change, so edit it instead`,
    );
  }

  private restore(
    sampleId: number,
    annotatorId: number,
    kind: 'undo' | 'redo',
    target: AnnotationState | null,
  ): AnnotationRecord | null {
    const current = this.get(sampleId);
    if (target === null) {
      this.sql.remove.run(sampleId);
      this.syncSplit(sampleId, null);
      const revision = this.sql.maxRevision.get(sampleId)! + 1;
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
    const revision = this.sql.maxRevision.get(sampleId)! + 1;
    this.sql.upsert.run({
      sampleId,
      revision,
      status: state.status,
      joints: JSON.stringify(state.joints),
      annotatorId,
      fromPredictionId: extra.fromPredictionId,
      secondsSpent: extra.secondsSpent,
      at: this.now(),
    });
    this.syncSplit(sampleId, state.status);
    return revision;
  }

  /** Outside the test split, a sample is in the labelled set (`train`) exactly when its annotation is done. */
  private syncSplit(sampleId: number, status: AnnotationStatus | null): void {
    this.sql.syncSplit.run(status === 'done' ? 'train' : 'pool', sampleId);
  }

  private appendHistory(
    sampleId: number,
    revision: number,
    annotatorId: number,
    kind: 'edit' | 'undo' | 'redo',
    before: AnnotationState | null,
    after: AnnotationState,
  ): void {
    this.sql.appendHistory.run(
      sampleId,
      revision,
      annotatorId,
      this.now(),
      kind,
      before ? stateKey(before) : null,
      JSON.stringify(after),
      JSON.stringify(changedJoints(before?.joints ?? null, after.joints)),
      IN_EFFECT,
    );
  }
}

function parseState(json: string | null): AnnotationState | null {
  return json === null ? null : (JSON.parse(json) as AnnotationState);
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
