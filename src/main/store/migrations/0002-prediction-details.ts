import type { Migration } from './types';

/**
 * Heatmap (RGB) predictions carry more than a mean and a std per joint: the top peaks, the VL4Pose per-link terms
 * and the refined pose the annotator may accept. They live in one JSON column so depth rows stay as they were.
 */
export const predictionDetails: Migration = {
  version: 2,
  name: 'prediction-details',
  sql: `ALTER TABLE predictions ADD COLUMN details TEXT; -- JSON PredictionDetails (heatmap models), NULL otherwise`,
};
