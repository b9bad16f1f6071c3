import { initial } from './0001-initial';
import { predictionDetails } from './0002-prediction-details';
import { leasesAndImports } from './0003-leases-imports';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every migration in order. After the first release, add files; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [initial, predictionDetails, leasesAndImports];
