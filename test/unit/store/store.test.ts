import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import {
  MIGRATIONS,
  ProjectStore,
  changedJoints,
  schemaVersion,
  type NewSample,
} from '../../../src/main/store';
import { tempDir } from '../../helpers/tmp';

const joint = (u: number, v: number, d = 500): Joint => ({
  u,
  v,
  d,
  visibility: 'visible',
  state: 'created',
});

function sample(key: string, split: NewSample['split'] = 'pool', joints: Joint[] | null = null): NewSample {
  return {
    sourceKey: key,
    imagePath: `${key}.png`,
    frame: 0,
    modality: 'depth',
    width: 320,
    height: 240,
    split,
    joints,
  };
}

describe('ProjectStore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  let store: ProjectStore;
  let tick = 0;
  const clock = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));

  beforeEach(() => {
    tmp = tempDir();
    file = join(tmp.dir, 'project.sqlite');
    store = ProjectStore.open(file, clock);
    store.putSkeleton({ id: 'toy', name: 'toy', kind: 'hand', joints: ['a', 'b'], edges: [[0, 1]] });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  const dataset = () =>
    store.ensureDataset({
      name: 'd',
      format: 'synth',
      root: '/data',
      modality: 'depth',
      skeletonId: 'toy',
      intrinsics: null,
      cubeMm: 300,
    });

  it('migrates to the latest schema in WAL mode with foreign keys on', () => {
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('refuses a database written by a newer version', () => {
    store.db.pragma('user_version = 99');
    store.close();
    expect(() => ProjectStore.open(file)).toThrow(/newer PoseLoop \(schema 99/);
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.at(-1)!.version}`);
    raw.close();
    store = ProjectStore.open(file);
  });

  it('migrates a version-1 database forward, keeping its rows', () => {
    const id = dataset();
    store.insertSamples(id, [sample('kept')], store.accounts.idOf('importer'));
    store.close();
    const raw = new Database(file);
    // Undo what migrations 2 and 3 added, so this is the schema an older PoseLoop wrote.
    raw.exec(`ALTER TABLE predictions DROP COLUMN details;
      ALTER TABLE rounds DROP COLUMN owner;
      ALTER TABLE rounds DROP COLUMN heartbeat_at;
      ALTER TABLE datasets DROP COLUMN import_state;
      ALTER TABLE datasets DROP COLUMN import_counts;
      ALTER TABLE datasets DROP COLUMN import_error;
      ALTER TABLE datasets DROP COLUMN import_updated_at;
      DROP INDEX queue_by_sample;`);
    raw.pragma('user_version = 1');
    raw.close();
    store = ProjectStore.open(file);
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(store.counts().total).toBe(1);
    const columns = (table: string) =>
      store.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table);
    expect(columns('predictions')).toContain('details');
    expect(columns('rounds')).toEqual(expect.arrayContaining(['owner', 'heartbeat_at']));
    // Datasets of older versions read as completely imported.
    expect(store.listDatasets()[0]!.import).toMatchObject({ state: 'complete', counts: {} });
  });

  it('inserts samples once per (dataset, key) and counts them by split', () => {
    const id = dataset();
    const annotator = store.accounts.idOf('importer');
    const first = store.insertSamples(
      id,
      [
        sample('a', 'train', [joint(1, 2), joint(3, 4)]),
        sample('b'),
        sample('c', 'test', [joint(0, 0), joint(1, 1)]),
      ],
      annotator,
    );
    expect(first).toEqual({ inserted: 3, duplicates: 0 });
    const again = store.insertSamples(id, [sample('a', 'train'), sample('d')], annotator);
    expect(again).toEqual({ inserted: 1, duplicates: 1 });
    expect(store.counts()).toEqual({ total: 4, labelled: 1, unlabelled: 2, test: 1 });
    expect(dataset()).toBe(id);
  });

  it('pages samples by key, filtered by split', () => {
    const id = dataset();
    const annotator = store.accounts.idOf('importer');
    store.insertSamples(
      id,
      Array.from({ length: 25 }, (_, i) => sample(`s${i}`, i % 5 === 0 ? 'test' : 'pool')),
      annotator,
    );
    const page1 = store.listSamples({ split: 'pool', after: 0, limit: 10 });
    const page2 = store.listSamples({ split: 'pool', after: page1.at(-1)!.id, limit: 10 });
    expect(page1).toHaveLength(10);
    expect(page2).toHaveLength(10);
    expect(page2[0]!.id).toBeGreaterThan(page1.at(-1)!.id);
    expect(store.listSamples({ split: 'pool', after: page2.at(-1)!.id, limit: 10 })).toHaveLength(0);
    expect(store.listSamples({ after: 0, limit: 100 })).toHaveLength(25);
  });

  it('saves edits with history, detects conflicts, and undoes/redoes across a restart', () => {
    const id = dataset();
    const alice = store.accounts.idOf('alice');
    const bob = store.accounts.idOf('bob');
    store.insertSamples(id, [sample('x')], alice);
    const sampleId = store.listSamples({ after: 0, limit: 1 })[0]!.id;

    const r1 = store.annotations.save({
      sampleId,
      joints: [joint(10, 10), joint(20, 20)],
      baseRevision: 0,
      status: 'in_progress',
      annotatorId: alice,
      secondsSpent: 3,
    });
    expect(r1.revision).toBe(1);
    const moved = [joint(10, 10), { ...joint(25, 20), state: 'moved' as const }];
    const r2 = store.annotations.save({
      sampleId,
      joints: moved,
      baseRevision: 1,
      status: 'done',
      annotatorId: alice,
      secondsSpent: 2,
    });
    expect(r2).toMatchObject({ revision: 2, status: 'done', secondsSpent: 5, annotator: 'alice' });
    expect(store.getSample(sampleId)!.split).toBe('train');

    // Bob edited revision 1 while Alice saved revision 2: refused, nothing overwritten.
    expect(() =>
      store.annotations.save({
        sampleId,
        joints: [joint(0, 0), joint(0, 0)],
        baseRevision: 1,
        status: 'done',
        annotatorId: bob,
        secondsSpent: 1,
      }),
    ).toThrow(/changed by alice .*revision 2/);
    expect(store.annotations.get(sampleId)!.joints).toEqual(moved);

    store.close();
    store = ProjectStore.open(file, clock);
    const undone = store.annotations.undo(sampleId, alice)!;
    expect(undone.joints).toEqual([joint(10, 10), joint(20, 20)]);
    expect(undone.status).toBe('in_progress');
    expect(store.getSample(sampleId)!.split).toBe('pool');
    expect(store.annotations.undo(sampleId, alice)).toBeNull();
    expect(() => store.annotations.undo(sampleId, alice)).toThrow(/none of your edits to undo/);

    store.close();
    store = ProjectStore.open(file, clock);
    expect(store.annotations.redo(sampleId, alice)!.joints).toEqual([joint(10, 10), joint(20, 20)]);
    expect(store.annotations.redo(sampleId, alice)!.joints).toEqual(moved);
    expect(() => store.annotations.redo(sampleId, alice)).toThrow(/none of your edits to redo/);

    const history = store.annotations.history(sampleId);
    expect(history.map((h) => h.kind)).toEqual(['edit', 'edit', 'undo', 'undo', 'redo', 'redo']);
    expect(history[1]!.jointsChanged).toEqual([1]);
    expect(history.every((h) => h.annotator === 'alice')).toBe(true);
  });

  it('drops the redo branch when a new edit follows an undo', () => {
    const id = dataset();
    const alice = store.accounts.idOf('alice');
    store.insertSamples(id, [sample('x')], alice);
    const sampleId = store.listSamples({ after: 0, limit: 1 })[0]!.id;
    store.annotations.save({
      sampleId,
      joints: [joint(1, 1), joint(2, 2)],
      baseRevision: 0,
      status: 'in_progress',
      annotatorId: alice,
      secondsSpent: 0,
    });
    const second = store.annotations.save({
      sampleId,
      joints: [joint(3, 3), joint(2, 2)],
      baseRevision: 1,
      status: 'in_progress',
      annotatorId: alice,
      secondsSpent: 0,
    });
    const back = store.annotations.undo(sampleId, alice)!;
    store.annotations.save({
      sampleId,
      joints: [joint(9, 9), joint(2, 2)],
      baseRevision: back.revision,
      status: 'in_progress',
      annotatorId: alice,
      secondsSpent: 0,
    });
    expect(second.revision).toBe(2);
    expect(() => store.annotations.redo(sampleId, alice)).toThrow(/none of your edits to redo/);
  });

  it('rolls a failed batch back whole', () => {
    const id = dataset();
    const annotator = store.accounts.idOf('importer');
    const bad = { ...sample('bad'), split: 'nowhere' as NewSample['split'] };
    expect(() => store.insertSamples(id, [sample('ok1'), bad], annotator)).toThrow(/CHECK constraint/);
    expect(store.counts().total).toBe(0);
  });

  it('stores only token hashes and resolves annotators by token', () => {
    const { token } = store.accounts.add('carol', 'lead');
    expect(store.accounts.byToken(token)).toMatchObject({ name: 'carol', role: 'lead' });
    expect(store.accounts.byToken('wrong')).toBeNull();
    expect(JSON.stringify(store.db.prepare('SELECT * FROM annotators').all())).not.toContain(token);
    expect(() => store.accounts.add('carol', 'lead')).toThrow(/already has an account/);
  });
});

describe('changedJoints', () => {
  it('lists indices whose position, visibility or state differ', () => {
    const a = [joint(1, 1), joint(2, 2), joint(3, 3)];
    const b = [joint(1, 1), { ...joint(2, 2), visibility: 'occluded' as const }, joint(3, 4)];
    expect(changedJoints(a, b)).toEqual([1, 2]);
    expect(changedJoints(null, b)).toEqual([0, 1, 2]);
  });
});
