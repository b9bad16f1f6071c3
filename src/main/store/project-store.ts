import type { SkeletonLayout } from '@shared/skeletons';
import type { Intrinsics, Joint, Modality, SampleCounts, Split } from '@shared/domain';
import { AppError } from '@shared/errors';
import { openDatabase, type Db } from './db';
import { AnnotationRepo } from './annotations';
import { AccountRepo } from './accounts';
import { RoundRepo } from './rounds';
import { CheckpointRepo } from './checkpoints';
import { PredictionRepo } from './predictions';
import { QueueRepo } from './queue';
import { ExportRepo } from './exports';
import { CostRepo } from './cost';
import type { DatasetRow, ImportState, NewSample, SampleRecord } from './rows';

interface SampleDbRow {
  id: number;
  dataset_id: number;
  source_key: string;
  image_path: string;
  frame: number;
  modality: Modality;
  width: number;
  height: number;
  split: Split;
  centre_u: number | null;
  centre_v: number | null;
  centre_d: number | null;
  box: string | null;
  annotation_status: SampleRecord['annotationStatus'];
}

const SAMPLE_COLUMNS = `s.id, s.dataset_id, s.source_key, s.image_path, s.frame, s.modality, s.width, s.height, s.split,
  s.centre_u, s.centre_v, s.centre_d, s.box, a.status AS annotation_status`;

type DatasetListRow = {
  id: number;
  name: string;
  format: string;
  root: string;
  modality: Modality;
  skeleton_id: string;
  intrinsics: string | null;
  cube_mm: number | null;
  created_at: string;
  samples: number;
  import_state: ImportState['state'];
  import_counts: string;
  import_error: string | null;
  import_updated_at: string | null;
};

function prepareStatements(db: Db) {
  return {
    getSetting: db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck(),
    setSetting: db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    putSkeleton: db.prepare(
      `INSERT INTO skeletons (id, name, layout) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, layout = excluded.layout`,
    ),
    getSkeleton: db.prepare<[string], string>('SELECT layout FROM skeletons WHERE id = ?').pluck(),
    datasetId: db
      .prepare<[string, string], number>('SELECT id FROM datasets WHERE format = ? AND root = ?')
      .pluck(),
    insertDataset: db.prepare(
      `INSERT INTO datasets (name, format, root, modality, skeleton_id, intrinsics, cube_mm, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    datasets: db.prepare<[], DatasetListRow>(
      `SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS samples FROM datasets d ORDER BY d.id`,
    ),
    setImport: db.prepare(
      `UPDATE datasets SET import_state = ?, import_counts = ?, import_error = ?, import_updated_at = ? WHERE id = ?`,
    ),
    dropEmptyDataset: db.prepare(
      'DELETE FROM datasets WHERE id = ? AND NOT EXISTS (SELECT 1 FROM samples WHERE dataset_id = ?)',
    ),
    insertSample: db.prepare(
      `INSERT INTO samples (dataset_id, source_key, image_path, frame, modality, width, height, split, centre_u, centre_v, centre_d, box, created_at)
       VALUES (@datasetId, @sourceKey, @imagePath, @frame, @modality, @width, @height, @split, @cu, @cv, @cd, @box, @at)
       ON CONFLICT (dataset_id, source_key) DO NOTHING`,
    ),
    insertTruth: db.prepare('INSERT INTO ground_truth (sample_id, joints) VALUES (?, ?)'),
    insertLabel: db.prepare(
      `INSERT INTO annotations (sample_id, revision, status, joints, annotator_id, seconds_spent, created_at, updated_at)
       VALUES (?, 1, 'done', ?, ?, 0, ?, ?)`,
    ),
    insertHistory: db.prepare(
      `INSERT INTO annotation_history (sample_id, revision, annotator_id, at, kind, before, after, joints_changed, undone)
       VALUES (?, 1, ?, ?, 'edit', NULL, ?, ?, 0)`,
    ),
    counts: db.prepare<[], { split: Split; n: number }>(
      'SELECT split, COUNT(*) AS n FROM samples GROUP BY split',
    ),
    page: db.prepare<{ after: number; limit: number }, SampleDbRow>(
      `SELECT ${SAMPLE_COLUMNS} FROM samples s LEFT JOIN annotations a ON a.sample_id = s.id
       WHERE s.id > @after ORDER BY s.id LIMIT @limit`,
    ),
    pageBySplit: db.prepare<{ split: Split; after: number; limit: number }, SampleDbRow>(
      `SELECT ${SAMPLE_COLUMNS} FROM samples s LEFT JOIN annotations a ON a.sample_id = s.id
       WHERE s.split = @split AND s.id > @after ORDER BY s.id LIMIT @limit`,
    ),
    sample: db.prepare<[number], SampleDbRow>(
      `SELECT ${SAMPLE_COLUMNS} FROM samples s LEFT JOIN annotations a ON a.sample_id = s.id WHERE s.id = ?`,
    ),
    idByKey: db
      .prepare<[number, string], number>('SELECT id FROM samples WHERE dataset_id = ? AND source_key = ?')
      .pluck(),
    idsBySplit: db.prepare<[string], number>('SELECT id FROM samples WHERE split = ? ORDER BY id').pluck(),
    setCentre: db.prepare('UPDATE samples SET centre_u = ?, centre_v = ?, centre_d = ? WHERE id = ?'),
    setBox: db.prepare('UPDATE samples SET box = ? WHERE id = ?'),
    groundTruth: db.prepare<[number], string>('SELECT joints FROM ground_truth WHERE sample_id = ?').pluck(),
  };
}

/**
 * The project database: the only place that writes SQL. One instance per open project, used from one thread.
 * Settings, datasets and samples live here; each other concern has its own repo, with its statements prepared once.
 */
export class ProjectStore {
  readonly accounts: AccountRepo;
  readonly annotations: AnnotationRepo;
  readonly rounds: RoundRepo;
  readonly checkpoints: CheckpointRepo;
  readonly predictions: PredictionRepo;
  readonly queue: QueueRepo;
  readonly exports: ExportRepo;
  readonly cost: CostRepo;
  private readonly sql: ReturnType<typeof prepareStatements>;

  private constructor(
    readonly db: Db,
    private readonly clock: () => Date,
  ) {
    const now = () => this.now();
    this.accounts = new AccountRepo(db, now);
    this.annotations = new AnnotationRepo(db, now);
    this.rounds = new RoundRepo(db, now);
    this.checkpoints = new CheckpointRepo(db, now);
    this.predictions = new PredictionRepo(db, now);
    this.queue = new QueueRepo(db, now);
    this.exports = new ExportRepo(db);
    this.cost = new CostRepo(db);
    this.sql = prepareStatements(db);
  }

  static open(file: string, clock: () => Date = () => new Date()): ProjectStore {
    return new ProjectStore(openDatabase(file), clock);
  }

  close(): void {
    this.db.close();
  }

  now(): string {
    return this.clock().toISOString();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- settings -----------------------------------------------------------------------------------------------

  getSetting(key: string): string | null {
    return this.sql.getSetting.get(key) ?? null;
  }

  setSetting(key: string, value: string): void {
    this.sql.setSetting.run(key, value);
  }

  // ---- skeletons and datasets ---------------------------------------------------------------------------------

  putSkeleton(layout: SkeletonLayout): void {
    this.sql.putSkeleton.run(layout.id, layout.name, JSON.stringify(layout));
  }

  getSkeleton(id: string): SkeletonLayout | null {
    const json = this.sql.getSkeleton.get(id);
    return json ? (JSON.parse(json) as SkeletonLayout) : null;
  }

  /** Finds or creates the dataset of (format, root); re-importing the same root reuses it. */
  ensureDataset(d: {
    name: string;
    format: string;
    root: string;
    modality: Modality;
    skeletonId: string;
    intrinsics: Intrinsics | null;
    cubeMm: number | null;
  }): number {
    const existing = this.sql.datasetId.get(d.format, d.root);
    if (existing !== undefined) return existing;
    return Number(
      this.sql.insertDataset.run(
        d.name,
        d.format,
        d.root,
        d.modality,
        d.skeletonId,
        d.intrinsics ? JSON.stringify(d.intrinsics) : null,
        d.cubeMm,
        this.now(),
      ).lastInsertRowid,
    );
  }

  listDatasets(): (DatasetRow & { samples: number })[] {
    return this.sql.datasets.all().map((r) => ({
      id: r.id,
      name: r.name,
      format: r.format,
      root: r.root,
      modality: r.modality,
      skeletonId: r.skeleton_id,
      intrinsics: r.intrinsics,
      cubeMm: r.cube_mm,
      createdAt: r.created_at,
      samples: r.samples,
      import: {
        state: r.import_state,
        counts: JSON.parse(r.import_counts) as ImportState['counts'],
        error: r.import_error,
        updatedAt: r.import_updated_at,
      },
    }));
  }

  /** Records how far a dataset's import got (written after each batch, so a killed import is visible). */
  setImportState(
    datasetId: number,
    state: ImportState['state'],
    counts: ImportState['counts'],
    error?: string,
  ): void {
    this.sql.setImport.run(state, JSON.stringify(counts), error ?? null, this.now(), datasetId);
  }

  /** Removes a dataset row no sample belongs to (an import that failed before its first batch); true if removed. */
  dropDatasetIfEmpty(datasetId: number): boolean {
    return this.sql.dropEmptyDataset.run(datasetId, datasetId).changes > 0;
  }

  getDataset(id: number): DatasetRow | null {
    return this.listDatasets().find((d) => d.id === id) ?? null;
  }

  // ---- samples ------------------------------------------------------------------------------------------------

  /**
   * Inserts one batch of samples in one transaction. A sample already imported (same dataset and source key) is
   * skipped, so re-importing the same files never duplicates them. Returns how many were new.
   */
  insertSamples(
    datasetId: number,
    samples: readonly NewSample[],
    annotatorId: number,
  ): { inserted: number; duplicates: number } {
    return this.transaction(() => {
      const at = this.now();
      let inserted = 0;
      for (const s of samples) {
        const result = this.sql.insertSample.run({
          datasetId,
          sourceKey: s.sourceKey,
          imagePath: s.imagePath,
          frame: s.frame,
          modality: s.modality,
          width: s.width,
          height: s.height,
          split: s.split,
          cu: s.centre?.u ?? null,
          cv: s.centre?.v ?? null,
          cd: s.centre?.d ?? null,
          box: s.box ? JSON.stringify(s.box) : null,
          at,
        });
        if (result.changes === 0) continue;
        inserted++;
        const id = Number(result.lastInsertRowid);
        if (s.groundTruth) this.sql.insertTruth.run(id, JSON.stringify(s.groundTruth));
        if (s.joints) {
          const joints = JSON.stringify(s.joints);
          this.sql.insertLabel.run(id, joints, annotatorId, at, at);
          this.sql.insertHistory.run(
            id,
            annotatorId,
            at,
            JSON.stringify({ status: 'done', joints: s.joints }),
            JSON.stringify(s.joints.map((_, i) => i)),
          );
        }
      }
      return { inserted, duplicates: samples.length - inserted };
    });
  }

  counts(): SampleCounts {
    const rows = this.sql.counts.all();
    const by = (split: Split) => rows.find((r) => r.split === split)?.n ?? 0;
    const labelled = by('train');
    const unlabelled = by('pool');
    const test = by('test');
    return { total: labelled + unlabelled + test, labelled, unlabelled, test };
  }

  /** Keyset pagination by id: constant time per page however deep (300k-sample projects). */
  listSamples(options: { split?: Split; after: number; limit: number }): SampleRecord[] {
    const { split, after, limit } = options;
    const rows = split
      ? this.sql.pageBySplit.all({ split, after, limit })
      : this.sql.page.all({ after, limit });
    return rows.map(toSample);
  }

  getSample(id: number): SampleRecord | null {
    const row = this.sql.sample.get(id);
    return row ? toSample(row) : null;
  }

  /** The id of a dataset's sample by its source key (what its importer keyed it by), or null. */
  sampleIdByKey(datasetId: number, sourceKey: string): number | null {
    return this.sql.idByKey.get(datasetId, sourceKey) ?? null;
  }

  /** Ids of the samples in a split, ascending. */
  sampleIds(split: Split): number[] {
    return this.sql.idsBySplit.all(split);
  }

  /** Records the detected hand centres (U px, V px, D mm) of samples, in one transaction. */
  setCentres(centres: readonly { sampleId: number; u: number; v: number; d: number }[]): void {
    this.transaction(() => {
      for (const c of centres) this.sql.setCentre.run(c.u, c.v, c.d, c.sampleId);
    });
  }

  /** Sets the person box [x, y, w, h] (image px) of a sample. */
  setBox(sampleId: number, box: readonly [number, number, number, number]): void {
    this.sql.setBox.run(JSON.stringify(box), sampleId);
  }

  /** The hidden oracle labels of a sample (simulations), if it has any. */
  groundTruth(sampleId: number): Joint[] | null {
    const json = this.sql.groundTruth.get(sampleId);
    return json ? (JSON.parse(json) as Joint[]) : null;
  }

  requireSample(id: number): SampleRecord {
    const sample = this.getSample(id);
    if (!sample) throw new AppError('not_found', `no sample ${id} in this project`, 'sampleId');
    return sample;
  }
}

function toSample(row: SampleDbRow): SampleRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    sourceKey: row.source_key,
    imagePath: row.image_path,
    frame: row.frame,
    modality: row.modality,
    width: row.width,
    height: row.height,
    split: row.split,
    centre:
      row.centre_u === null || row.centre_v === null || row.centre_d === null
        ? null
        : { u: row.centre_u, v: row.centre_v, d: row.centre_d },
    box: row.box ? (JSON.parse(row.box) as [number, number, number, number]) : null,
    annotationStatus: row.annotation_status,
  };
}
