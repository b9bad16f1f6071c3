export { MOVENET_MODELS, MOVENET_PACKAGE, type MovenetName } from './constants';
export { loadMovenet, movenetFiles, type MovenetModel } from './model';
