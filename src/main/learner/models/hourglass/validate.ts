import type { BackendName } from '../../backend';
import { resolvePreset } from '../deepprior/validate';
import { linksOf } from '../vl4pose-aux/validate';
import { HOURGLASS_PRESETS, STEM_STRIDE } from './constants';
import type {
  DropoutPlacement,
  HourglassConfig,
  HourglassConfigInput,
  HourglassPresetChoice,
  JointLink,
} from './types';

const PRESET_CHOICES: readonly HourglassPresetChoice[] = ['paper', 'fast', 'auto'];
const DROPOUT_PLACEMENTS: readonly DropoutPlacement[] = ['stages', 'heatmap-conv'];

/**
 * Copies the input over the preset's defaults and checks every field; throws naming the problem. The preset `auto`
 * (default) is `fast` on cpu/wasm or without a backend, else `paper`. `joints` defaults to links + 1 when only
 * `links` is given; a skeleton other than the preset's needs its own `links`, and its `mirrorPairs` default to none.
 */
export function validateHourglassConfig(
  input: HourglassConfigInput = {},
  backend?: BackendName,
): HourglassConfig {
  if (input.preset !== undefined && !PRESET_CHOICES.includes(input.preset)) {
    throw new Error(`unknown preset '${String(input.preset)}'; use one of ${PRESET_CHOICES.join(', ')}`);
  }
  const presetName = resolvePreset(input.preset, backend ?? 'cpu');
  const preset = HOURGLASS_PRESETS[presetName];
  const { auxHeads, augmentation, ...overrides } = definedOnly(input);
  const joints = input.joints ?? (input.links === undefined ? preset.joints : input.links.length + 1);
  const ownSkeleton = joints !== preset.joints;
  if (ownSkeleton && input.links === undefined) {
    throw new Error(
      `joints = ${joints} differs from the ${presetName} preset's ${preset.joints}: give links`,
    );
  }
  const config: HourglassConfig = {
    ...preset,
    ...overrides,
    preset: presetName,
    joints,
    mirrorPairs: input.mirrorPairs ?? (ownSkeleton ? [] : preset.mirrorPairs),
    auxHeads: { ...preset.auxHeads, ...definedOnly(auxHeads ?? {}) },
    augmentation: { ...preset.augmentation, ...definedOnly(augmentation ?? {}) },
  };
  requireInteger('joints', config.joints, 1);
  checkLinks(config.links, config.joints);
  for (const [left, right] of config.mirrorPairs) {
    if (![left, right].every((j) => Number.isInteger(j) && j >= 0 && j < joints) || left === right) {
      throw new Error(`mirror pair [${left}, ${right}] does not name two joints of ${joints}`);
    }
  }
  requireInteger('gridSize', config.gridSize, 2);
  if (config.inputSize !== STEM_STRIDE * config.gridSize) {
    throw new Error(
      `inputSize must be ${STEM_STRIDE}·gridSize (${STEM_STRIDE * config.gridSize}), got ${config.inputSize}`,
    );
  }
  requireInteger('depth', config.depth, 1);
  if (config.gridSize % 2 ** config.depth !== 0) {
    throw new Error(`gridSize ${config.gridSize} must be divisible by 2^depth = ${2 ** config.depth}`);
  }
  requireEven('channels', config.channels);
  config.stemChannels.forEach((width, i) => requireEven(`stemChannels[${i}]`, width));
  if (config.stemChannels.length !== 2) throw new Error('stemChannels lists the two stem widths');
  requireInteger('stacks', config.stacks, 1);
  requireInteger('mcPasses', config.mcPasses, 1);
  requireInteger('batchSize', config.batchSize, 1);
  requireInteger('epochs', config.epochs, 1);
  requireRange('dropoutRate', config.dropoutRate, 0, 0.95);
  if (!DROPOUT_PLACEMENTS.includes(config.dropoutPlacement!)) {
    throw new Error(
      `dropoutPlacement must be one of ${DROPOUT_PLACEMENTS.join(', ')}, got ${String(config.dropoutPlacement)}`,
    );
  }
  requireRange('learningRate', config.learningRate, 1e-8, 1);
  config.auxHiddenUnits.forEach((units, i) => requireInteger(`auxHiddenUnits[${i}]`, units, 1));
  if (config.auxHeads.vl4pose && config.links.length === 0) {
    throw new Error('the VL4Pose head needs at least one link');
  }
  const { flipProbability, maxScale, maxRotationDegrees, maxShift } = config.augmentation;
  requireRange('augmentation.flipProbability', flipProbability, 0, 1);
  requireRange('augmentation.maxScale', maxScale, 0, 0.9);
  requireRange('augmentation.maxRotationDegrees', maxRotationDegrees, 0, 180);
  requireRange('augmentation.maxShift', maxShift, 0, 0.5);
  return config;
}

/** Whether any auxiliary head is on (then the auxiliary trunk exists). */
export function hasAuxHeads(config: Pick<HourglassConfig, 'auxHeads'>): boolean {
  const { vl4pose, aleatoric, learningLoss } = config.auxHeads;
  return vl4pose || aleatoric || learningLoss;
}

/** Links must form one tree over all joints: each child has one parent, one root, no cycles. */
function checkLinks(links: readonly JointLink[], joints: number): void {
  if (links.length !== joints - 1) {
    throw new Error(`a tree over ${joints} joints has ${joints - 1} links, got ${links.length}`);
  }
  const parents = new Array<number>(joints).fill(-1);
  for (const [parent, child] of links) {
    if (![parent, child].every((j) => Number.isInteger(j) && j >= 0 && j < joints)) {
      throw new Error(`link [${parent}, ${child}] does not name two joints of ${joints}`);
    }
    if (parents[child] !== -1) throw new Error(`joint ${child} has two parents`);
    parents[child] = parent;
  }
  linksOf(parents);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
}

function requireEven(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 2 || value % 2 !== 0)
    throw new Error(`${name} must be an even integer ≥ 2 (residual blocks halve it), got ${value}`);
}

function requireRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be in [${min}, ${max}], got ${value}`);
  }
}
