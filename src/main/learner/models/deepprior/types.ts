/**
 * DeepPrior (no PCA prior) and its MC-dropout ("Bayesian") variants, after Caramalau et al. (WACV 2021) and their
 * code `razvancaramalau/al_bhpe` (spec: bayesian-deepprior-cke.md §2–§4).
 */

/**
 * `plain`: the deterministic DeepPrior, one mean head, no dropout.
 * `A`: dropout after each of the 3 convs (the paper's choice). `B`: after conv3 and dense1. `C`: after all 5 layers.
 * A/B/C also have a log-variance head and keep dropout on in every forward pass (MC dropout).
 */
export type DeepPriorVariant = 'plain' | 'A' | 'B' | 'C';

/**
 * `reference`: the released code's loss, mean of ½·e^(−s)·|y−ŷ| + ½·s plus the plain MSE (spec §3.2).
 * `gaussian`: the paper's Kendall & Gal form, mean of ½·e^(−s)·(y−ŷ)² + ½·s.
 * The plain variant always uses the MSE.
 */
export type DeepPriorLoss = 'reference' | 'gaussian';

/** `paper`: the spec's sizes. `fast`: a small net for cpu/wasm demos. `auto`: `fast` on cpu/wasm, else `paper`. */
export type DeepPriorPreset = 'paper' | 'fast';
export type DeepPriorPresetChoice = DeepPriorPreset | 'auto';

/** Architecture and training settings of one DeepPrior learner. Every field is filled by `validateModelConfig`. */
export interface DeepPriorConfig {
  /** The preset the defaults came from (fields may still have been overridden). */
  preset: DeepPriorPreset;
  variant: DeepPriorVariant;
  /** Side of the square network input in pixels. Crops of another size are resized bilinearly first. */
  inputSize: number;
  /** Number of regressed coordinates, 3·J (63 for the 21-joint hand), joint-major u,v,d. */
  outputs: number;
  /** Filters of each of the three convolutions. */
  convFilters: number;
  /** Side of every (square) convolution kernel. */
  kernelSize: number;
  /** Units of the two hidden dense layers. */
  denseUnits: readonly [number, number];
  /** Probability of zeroing a unit in each dropout slot of the variant (inverted dropout). */
  dropoutRate: number;
  /** Negative slope of the LeakyReLU after each conv block. */
  leakySlope: number;
  loss: DeepPriorLoss;
  /** Adam step size. */
  learningRate: number;
  /** Adam ε (Keras default, set explicitly; PyTorch's default differs). */
  adamEpsilon: number;
  batchSize: number;
  epochs: number;
  /** Validation checks per epoch (spec §3.3: 3 for Bayesian, 2 for plain models). */
  validationsPerEpoch: number;
  /** Default number of MC-dropout passes at inference. */
  mcPasses: number;
}

/** What a caller may pass: a preset plus any overrides. */
export type DeepPriorConfigInput = Partial<Omit<DeepPriorConfig, 'preset'>> & {
  preset?: DeepPriorPresetChoice;
};

/** The five dropout slots in forward order (spec §2.1: D1–D3 after the convs, D4–D5 after the dense layers). */
export type DropoutSlot = 'conv1' | 'conv2' | 'conv3' | 'dense1' | 'dense2';

/** Layer output sizes derived from a config (spec §8 T1). */
export interface DeepPriorShapes {
  conv1: number;
  pool1: number;
  conv2: number;
  pool2: number;
  conv3: number;
  flatten: number;
}
