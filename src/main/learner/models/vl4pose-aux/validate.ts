import { AUX_DEFAULTS } from './constants';
import type { SkeletonLink, Vl4PoseAuxConfig, Vl4PoseAuxConfigInput } from './types';

/** Fills defaults and checks that `parents` is a tree: one root, parents in range, no cycles. */
export function validateAuxConfig(input: Vl4PoseAuxConfigInput): Vl4PoseAuxConfig {
  const config: Vl4PoseAuxConfig = {
    ...AUX_DEFAULTS,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    parents: [...input.parents],
  };
  if (!Number.isInteger(config.dims) || config.dims < 1)
    throw new Error(`aux dims must be a positive integer`);
  if (config.hiddenUnits.some((units) => !Number.isInteger(units) || units < 1)) {
    throw new Error('aux hiddenUnits must be positive integers');
  }
  if (!(config.learningRate > 0)) throw new Error('aux learningRate must be > 0');
  linksOf(config.parents);
  return config;
}

/** The tree's links ordered by child index (link order = output order). Throws unless `parents` is a rooted tree. */
export function linksOf(parents: readonly number[]): SkeletonLink[] {
  const joints = parents.length;
  const roots = parents.filter((parent) => parent === -1).length;
  if (roots !== 1) throw new Error(`parents must have exactly one root (−1), found ${roots}`);
  parents.forEach((parent, child) => {
    if (!Number.isInteger(parent) || parent < -1 || parent >= joints || parent === child) {
      throw new Error(`parents[${child}] = ${parent} is not a joint index`);
    }
  });
  for (let start = 0; start < joints; start++) {
    let joint = start;
    for (let steps = 0; parents[joint] !== -1; steps++) {
      if (steps > joints) throw new Error(`parents has a cycle through joint ${start}`);
      joint = parents[joint]!;
    }
  }
  const links: SkeletonLink[] = [];
  parents.forEach((parent, child) => {
    if (parent !== -1) links.push({ parent, child });
  });
  return links;
}
