export { ProjectStore, hashToken } from './project-store';
export { openDatabase, migrate, schemaVersion, type Db } from './db';
export { changedJoints } from './annotations';
export { MIGRATIONS } from './migrations';
export type * from './rows';
