/** 2-D (heatmap) human pose: peaks, GT heatmaps, the VL4Pose likelihood, metrics and reference losses (spec vl4pose). */
export * from './peaks';
export * from './targets';
export * from './likelihood';
export * from './label-qc';
export * from './metrics';
export * from './collapse';
export * from './losses';
export * from './keypoint-map';
export * from './pck-sizes';
