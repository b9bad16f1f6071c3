import type { Migration } from './types';

/** The first schema. STRICT tables, foreign keys with cascades, indexes for keyset paging by split. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE annotators (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('annotator', 'lead')),
  token_hash TEXT UNIQUE,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE skeletons (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  layout TEXT NOT NULL -- JSON SkeletonLayout
) STRICT;

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  root TEXT NOT NULL,
  modality TEXT NOT NULL CHECK (modality IN ('depth', 'rgb')),
  skeleton_id TEXT NOT NULL REFERENCES skeletons(id),
  intrinsics TEXT, -- JSON Intrinsics, depth only
  cube_mm REAL,
  created_at TEXT NOT NULL,
  UNIQUE (format, root)
) STRICT;

CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source_key TEXT NOT NULL,
  image_path TEXT NOT NULL,
  frame INTEGER NOT NULL DEFAULT 0,
  modality TEXT NOT NULL CHECK (modality IN ('depth', 'rgb')),
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('train', 'pool', 'test')),
  centre_u REAL,
  centre_v REAL,
  centre_d REAL,
  box TEXT, -- JSON [x, y, w, h] for RGB person boxes
  created_at TEXT NOT NULL,
  UNIQUE (dataset_id, source_key)
) STRICT;
CREATE INDEX samples_by_split ON samples(split, id);

-- Labels that came with an imported dataset but are hidden from annotators (the oracle of simulations).
CREATE TABLE ground_truth (
  sample_id INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
  joints TEXT NOT NULL -- JSON Joint[]
) STRICT;

CREATE TABLE annotations (
  sample_id INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'done', 'skipped')),
  joints TEXT NOT NULL, -- JSON Joint[]
  annotator_id INTEGER REFERENCES annotators(id),
  from_prediction_id INTEGER REFERENCES predictions(id) ON DELETE SET NULL,
  seconds_spent REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX annotations_by_status ON annotations(status);

-- Every change of an annotation: who, when, the whole before/after state and which joints moved.
CREATE TABLE annotation_history (
  id INTEGER PRIMARY KEY,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  annotator_id INTEGER REFERENCES annotators(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('edit', 'undo', 'redo')),
  before TEXT, -- JSON {status, joints} or NULL when the annotation did not exist
  after TEXT NOT NULL, -- JSON {status, joints}
  joints_changed TEXT NOT NULL, -- JSON number[]
  undone INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX history_by_sample ON annotation_history(sample_id, id);

CREATE TABLE rounds (
  id INTEGER PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  sampler TEXT NOT NULL,
  budget INTEGER NOT NULL,
  config TEXT NOT NULL, -- JSON
  status TEXT NOT NULL CHECK (status IN ('pending', 'training', 'inferring', 'ranking', 'done', 'failed', 'cancelled')),
  labelled_count INTEGER NOT NULL,
  stage_timings TEXT NOT NULL DEFAULT '{}', -- JSON {stage: seconds}
  metrics TEXT NOT NULL DEFAULT '{}', -- JSON
  error TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
) STRICT;

-- The labelled set a round trained on (a snapshot, so a round can be inspected or reproduced later).
CREATE TABLE round_labelled (
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  PRIMARY KEY (round_id, sample_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
  path TEXT NOT NULL, -- relative to the project's models/ folder
  config TEXT NOT NULL,
  backend TEXT NOT NULL,
  metrics TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE predictions (
  id INTEGER PRIMARY KEY,
  round_id INTEGER REFERENCES rounds(id) ON DELETE CASCADE,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  passes INTEGER NOT NULL,
  mean BLOB NOT NULL, -- float32 joints × 3, image space (u px, v px, d mm)
  epistemic_std BLOB NOT NULL, -- float32, same layout
  aleatoric BLOB, -- float32, same layout (variance)
  loglik REAL,
  created_at TEXT NOT NULL,
  UNIQUE (round_id, sample_id)
) STRICT;
CREATE INDEX predictions_by_sample ON predictions(sample_id, id);

CREATE TABLE rankings (
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  score REAL NOT NULL,
  reason TEXT NOT NULL, -- JSON
  PRIMARY KEY (round_id, rank),
  UNIQUE (round_id, sample_id)
) STRICT;

CREATE TABLE queue (
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
  assignee_id INTEGER REFERENCES annotators(id),
  assigned_at TEXT,
  PRIMARY KEY (round_id, sample_id)
) STRICT;
CREATE INDEX queue_by_rank ON queue(round_id, status, rank);
`,
};
