import { MPII16, mirrorPairs } from '@shared/skeletons';
import type { DropoutPlacement, HourglassConfig, HourglassPreset } from './types';

const MPII_LINKS = MPII16.edges.map(([parent, child]) => [parent, child] as const);
const MPII_MIRROR_PAIRS = mirrorPairs(MPII16).map(([left, right]) => [left, right] as const);

/**
 * The reference network (spec §2.1, §6.1): 256² RGB in, 64² heatmaps, 2 stacks of depth-4 hourglasses with 256
 * channels, MPII's 16 joints and 15 links; Adam 3e-4, batch 16. Training epochs follow an active-learning cycle
 * (100). Dropout is our MC-dropout addition (the reference has none; it has no parameters), placed after every
 * hourglass stage and before every heatmap conv (see HourglassModel).
 */
export const HOURGLASS_PAPER_CONFIG: HourglassConfig = {
  preset: 'paper',
  joints: MPII16.joints.length,
  links: MPII_LINKS,
  mirrorPairs: MPII_MIRROR_PAIRS,
  inputSize: 256,
  gridSize: 64,
  stemChannels: [64, 128],
  channels: 256,
  stacks: 2,
  depth: 4,
  dropoutRate: 0.2,
  dropoutPlacement: 'stages',
  mcPasses: 20,
  batchSize: 16,
  epochs: 100,
  learningRate: 3e-4,
  auxHeads: { vl4pose: true, aleatoric: true, learningLoss: true },
  auxHiddenUnits: [128, 64, 32, 16],
  augmentation: { flipProbability: 0.5, maxScale: 0.2, maxRotationDegrees: 30, maxShift: 0.1 },
};

/**
 * A CPU-sized net with the same structure: 128² in, 32² heatmaps, one depth-3 hourglass of 48 channels and an
 * 8/16-wide stem (the reference stem's 64/128 widths at 128² would cost more than the rest of the net). The aux
 * trunk's last conv is 4×4 as in the paper (32 / 2³). Measured on a busy 2-core machine with patched wasm: ~28
 * training samples/s, so 20 epochs of ~500 crops take about 6 minutes; `benchHeatmap` measures the current machine.
 */
export const HOURGLASS_FAST_CONFIG: HourglassConfig = {
  ...HOURGLASS_PAPER_CONFIG,
  preset: 'fast',
  inputSize: 128,
  gridSize: 32,
  stemChannels: [8, 16],
  channels: 48,
  stacks: 1,
  depth: 3,
  mcPasses: 10,
  epochs: 20,
};

/** The placement of checkpoints whose config has no `dropoutPlacement` (written before issue 14). */
export const LEGACY_DROPOUT_PLACEMENT: DropoutPlacement = 'heatmap-conv';

export const HOURGLASS_PRESETS: Readonly<Record<HourglassPreset, HourglassConfig>> = {
  paper: HOURGLASS_PAPER_CONFIG,
  fast: HOURGLASS_FAST_CONFIG,
};

/**
 * Spec §2.3 for the paper preset: the hourglass counting only used parameters (BN γ/β included, running statistics
 * and the reference's never-used skip convs excluded), and the auxiliary net with the VL4Pose head alone.
 */
export const HOURGLASS_PAPER_PARAM_COUNTS = { hourglass: 6_570_400, vl4poseAux: 2_142_702 } as const;

/** The input stride: the stem's stride-2 conv and its 2×2 max-pool, so G = S / 4. */
export const STEM_STRIDE = 4;
