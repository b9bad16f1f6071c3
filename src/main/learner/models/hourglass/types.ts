/**
 * The 2-D human heatmap learner (spec vl4pose.md §2–§3, §5.1–§5.2): a stacked hourglass that predicts one G×G
 * Gaussian heatmap per joint from an S×S RGB crop, MC-dropout before each stack's heatmap conv, and one auxiliary
 * network on the last stack's detached multi-scale features with the VL4Pose, aleatoric and learning-loss heads.
 */

/** `paper`: the reference sizes (spec §2.1, §6.1). `fast`: a small net that trains in minutes on a 2-core CPU. */
export type HourglassPreset = 'paper' | 'fast';

/** Dropout sites: after every hourglass stage and before every heatmap conv, or (old checkpoints) the latter only. */
export type DropoutPlacement = 'stages' | 'heatmap-conv';

/** A skeleton link [parent, child] (joint indices); the link order is the VL4Pose output order. */
export type JointLink = readonly [number, number];

/** Which auxiliary heads share the auxiliary conv trunk (spec §2.2 OUT = 2L, J, 1). */
export interface AuxHeads {
  /** Per-link bone-length Gaussian (μ_k, s_k), trained by §3.2. */
  vl4pose: boolean;
  /** Per-joint log-variance of the argmax error, trained by §5.2. */
  aleatoric: boolean;
  /** Scalar predicted loss, trained by the LearningLoss++ KL objective (§5.1). */
  learningLoss: boolean;
}

/** Random training augmentation, drawn per sample from a seeded stream (deterministic for a seed). */
export interface HourglassAugmentation {
  /** Probability of a horizontal flip (with the mirror-pair label swap). */
  flipProbability: number;
  /** Scale factor drawn from U(1 − maxScale, 1 + maxScale). */
  maxScale: number;
  /** Rotation drawn from U(±maxRotationDegrees), about the crop centre. */
  maxRotationDegrees: number;
  /** Shift per axis drawn from U(±maxShift·S) crop pixels. */
  maxShift: number;
}

/** Architecture and training settings. Every field is filled by `validateHourglassConfig`. */
export interface HourglassConfig {
  /** The preset the defaults came from (fields may have been overridden). */
  preset: HourglassPreset;
  /** Number of joints J = heatmaps per stack. */
  joints: number;
  /** The skeleton tree's links, [parent, child] in link order (J − 1 links, one root). */
  links: readonly JointLink[];
  /** Left/right joint pairs swapped by a horizontal flip. */
  mirrorPairs: readonly JointLink[];
  /** Side S of the square RGB input crop, pixels. */
  inputSize: number;
  /** Side G = S/4 of the heatmap grid, cells. */
  gridSize: number;
  /** Widths of the stem: the 7×7 stride-2 conv's output and the residual after it (spec §2.1: 64, 128). */
  stemChannels: readonly [number, number];
  /** Feature channels C of every hourglass. */
  channels: number;
  stacks: number;
  /** Hourglass recursion depth d: taps feature_d … feature_1 at G/2 … G/2^d, plus feature_5 at G. */
  depth: number;
  /** MC-dropout rate: the probability that a whole feature channel is dropped at each dropout site. */
  dropoutRate: number;
  /**
   * Where dropout acts (see HourglassModel): 'stages' after each hourglass and before each heatmap conv. Absent in
   * checkpoints written before the field existed: those were trained with 'heatmap-conv' and keep it.
   */
  dropoutPlacement?: DropoutPlacement;
  /** Default MC-dropout passes at inference. */
  mcPasses: number;
  batchSize: number;
  epochs: number;
  /** Adam step size of the pose and auxiliary networks (one optimiser; spec §3.3: 3e-4). */
  learningRate: number;
  auxHeads: AuxHeads;
  /** Hidden widths of each head's FC stack (spec §2.2: 128, 64, 32, 16), ReLU after each. */
  auxHiddenUnits: readonly number[];
  augmentation: HourglassAugmentation;
}

/** `auto`: `fast` on the CPU-only backends (cpu, wasm), else `paper`. */
export type HourglassPresetChoice = HourglassPreset | 'auto';

/** What a caller may pass: a preset (default `auto`) plus any overrides. */
export type HourglassConfigInput = Partial<Omit<HourglassConfig, 'preset' | 'auxHeads' | 'augmentation'>> & {
  preset?: HourglassPresetChoice;
  auxHeads?: Partial<AuxHeads>;
  augmentation?: Partial<HourglassAugmentation>;
};
