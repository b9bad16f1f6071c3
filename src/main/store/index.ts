export { ProjectStore, hashToken } from './project-store';
export { openDatabase, migrate, schemaVersion, type Db } from './db';
export { changedJoints } from './annotations';
export { MIGRATIONS } from './migrations';
export type * from './rows';
export {
  RoundRepo,
  type RoundRecord,
  type RoundStatus,
  type QueueRecord,
  type QueueStatus,
  type PredictionRow,
  type StoredPrediction,
  type RankingRow,
} from './rounds';
export { ExportRepo, type ExportCounts, type ExportQuery } from './exports';
export { benchProjectOpen, type StoreBenchResult } from './bench';
