import type { Migration } from './types';

/**
 * Issue 15. A round is owned by a lease (a random owner id and a heartbeat the owner renews), not by a PID that the
 * system may hand to another process. A dataset records its import's state and counts, so a killed or failed import
 * shows as interrupted instead of looking complete. Rows from older versions: unfinished rounds have no heartbeat
 * (recovered at once), datasets are taken as complete.
 */
export const leasesAndImports: Migration = {
  version: 3,
  name: 'leases-imports',
  sql: `
ALTER TABLE rounds ADD COLUMN owner TEXT;
ALTER TABLE rounds ADD COLUMN heartbeat_at TEXT;
ALTER TABLE datasets ADD COLUMN import_state TEXT NOT NULL DEFAULT 'complete'
  CHECK (import_state IN ('running', 'complete', 'interrupted'));
ALTER TABLE datasets ADD COLUMN import_counts TEXT NOT NULL DEFAULT '{}'; -- JSON {imported, duplicates, skipped}
ALTER TABLE datasets ADD COLUMN import_error TEXT;
ALTER TABLE datasets ADD COLUMN import_updated_at TEXT;
CREATE INDEX queue_by_sample ON queue(sample_id, round_id);
`,
};
