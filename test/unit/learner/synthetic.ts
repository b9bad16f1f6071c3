import { createRng } from '@shared/random';
import type { LabelledCrops } from '../../../src/main/learner';

/**
 * Easy synthetic "hands": a Gaussian blob (hand pixels ≈ −0.3 on a background of 1.0) whose centre and depth encode
 * the targets. J joints are fixed offsets from the blob centre, so a good regressor must find the blob.
 */
export function blobCrops(count: number, side: number, joints: number, seed: number): LabelledCrops {
  const rng = createRng(seed);
  const x = new Float32Array(count * side * side);
  const y = new Float32Array(count * joints * 3);
  for (let i = 0; i < count; i++) {
    const cu = rng.uniform(-0.25, 0.25);
    const cv = rng.uniform(-0.25, 0.25);
    const depth = rng.uniform(-0.2, 0.2);
    const radius = side * 0.15;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const du = c - (cu + 0.5) * side;
        const dv = r - (cv + 0.5) * side;
        const inside = Math.exp(-(du * du + dv * dv) / (2 * radius * radius));
        x[i * side * side + r * side + c] = inside > 0.3 ? depth + 0.2 * (1 - inside) : 1;
      }
    }
    for (let j = 0; j < joints; j++) {
      const angle = (2 * Math.PI * j) / joints;
      y[(i * joints + j) * 3] = cu + 0.1 * Math.cos(angle);
      y[(i * joints + j) * 3 + 1] = cv + 0.1 * Math.sin(angle);
      y[(i * joints + j) * 3 + 2] = depth;
    }
  }
  return { x, y, count, height: side, width: side };
}

/** A deliberately tiny config so a worker trains in seconds on 2 cores. */
export const TINY = {
  preset: 'fast',
  inputSize: 24,
  kernelSize: 3,
  convFilters: 6,
  denseUnits: [32, 32],
  batchSize: 16,
} as const;
