import type { Vl4PoseAuxConfig } from './types';

/** Defaults (spec vl4pose.md §2.2 FC stack; §3.3 Adam 3e-4). `parents` has no default: it comes from the skeleton. */
export const AUX_DEFAULTS: Omit<Vl4PoseAuxConfig, 'parents'> = {
  dims: 3,
  hiddenUnits: [128, 64, 32, 16],
  learningRate: 3e-4,
};

/** ln 2π, for the Gaussian log-density used when scoring (spec vl4pose notation). */
export const LN_2PI = 1.8378770664093453;
