import type { DeepPriorConfig, DeepPriorPreset, DeepPriorVariant, DropoutSlot } from './types';

/**
 * The reference configuration (spec bayesian-deepprior-cke.md §0, §2, §3: paper + `al_bhpe` config.py/hpe.py).
 * 128×128 input, 3 × 12 valid 5×5 convs, dense 1024-1024, dropout 0.3 always on, Adam 1e-3 (ε 1e-7), batch 64,
 * 60 epochs per round, M = 40 MC passes (the paper's AL setting; the code uses 70). Parameter counts: 8,802,735 plain,
 * 8,867,310 Bayesian (spec §2.4).
 */
export const PAPER_CONFIG: DeepPriorConfig = {
  preset: 'paper',
  variant: 'A',
  inputSize: 128,
  outputs: 63,
  convFilters: 12,
  kernelSize: 5,
  denseUnits: [1024, 1024],
  dropoutRate: 0.3,
  leakySlope: 0.05,
  loss: 'reference',
  learningRate: 1e-3,
  adamEpsilon: 1e-7,
  batchSize: 64,
  epochs: 60,
  validationsPerEpoch: 3,
  mcPasses: 40,
};

/**
 * A small net for CPU demos (chosen automatically on the cpu and wasm backends): 64×64 input (flatten 9·9·12 = 972),
 * dense 256-256, batch 32, 20 epochs, 20 MC passes. Same layer structure, dropout and loss as the paper preset.
 * Measured on 2 cores, patched wasm: see the learner README / bench; a round on ~1,000 labels takes minutes.
 */
export const FAST_CONFIG: DeepPriorConfig = {
  ...PAPER_CONFIG,
  preset: 'fast',
  inputSize: 64,
  denseUnits: [256, 256],
  batchSize: 32,
  epochs: 20,
  mcPasses: 20,
};

export const PRESETS: Readonly<Record<DeepPriorPreset, DeepPriorConfig>> = {
  paper: PAPER_CONFIG,
  fast: FAST_CONFIG,
};

/** Dropout placement per variant (spec §2.2). */
export const DROPOUT_SLOTS: Readonly<Record<DeepPriorVariant, readonly DropoutSlot[]>> = {
  plain: [],
  A: ['conv1', 'conv2', 'conv3'],
  B: ['conv3', 'dense1'],
  C: ['conv1', 'conv2', 'conv3', 'dense1', 'dense2'],
};

/** Spec §2.4 / T1, for the paper preset. */
export const PAPER_PARAM_COUNTS = { plain: 8_802_735, bayesian: 8_867_310 } as const;

/** Max-pool window and stride after conv1 and conv2 (none after conv3: spec G12). */
export const POOL_SIZE = 2;
