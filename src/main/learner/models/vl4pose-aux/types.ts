/**
 * VL4Pose auxiliary head for direct regression (spec vl4pose.md §1.4, §2.5, §3.4 [DESIGN]): from the pose model's
 * detached penultimate features it predicts, per link k = (parent → child) of the skeleton tree, an offset mean ô_k and
 * a diagonal log-variance s_k, modelling y_child ~ N(y_parent + ô_k, diag(e^s_k)) in the regressor's normalised uvd.
 */
export interface Vl4PoseAuxConfig {
  /** parents[j] = parent joint of j, −1 for the root (exactly one). Links are ordered by child index. */
  parents: readonly number[];
  /** Coordinates per joint (3 for uvd). */
  dims: number;
  /** Hidden widths of the FC stack (spec §2.2 'avg' variant: 128, 64, 32, 16), ReLU after each. */
  hiddenUnits: readonly number[];
  /** Adam step size of the head (its own optimiser; spec §3.3 uses 3e-4 and never decays it). */
  learningRate: number;
}

export type Vl4PoseAuxConfigInput = Partial<Vl4PoseAuxConfig> & Pick<Vl4PoseAuxConfig, 'parents'>;

/** One link of the tree, in output order. */
export interface SkeletonLink {
  parent: number;
  child: number;
}

/** Per-sample, per-link head outputs, [count × links × dims], link-major inside a sample. */
export interface Vl4PoseAuxPrediction {
  links: SkeletonLink[];
  offsetMean: Float32Array;
  offsetLogVar: Float32Array;
}
