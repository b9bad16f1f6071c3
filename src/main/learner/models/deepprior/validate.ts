import type { BackendName } from '../../backend';
import { PRESETS } from './constants';
import type { DeepPriorConfig, DeepPriorConfigInput, DeepPriorPreset, DeepPriorShapes } from './types';
import { POOL_SIZE } from './constants';

const VARIANTS = ['plain', 'A', 'B', 'C'] as const;
const LOSSES = ['reference', 'gaussian'] as const;
const PRESET_CHOICES = ['paper', 'fast', 'auto'] as const;

/** `auto` resolves to `fast` on the CPU-only JS backends, where the paper net trains at ~20 samples/s. */
export function resolvePreset(choice: DeepPriorConfigInput['preset'], backend: BackendName): DeepPriorPreset {
  if (choice === undefined || choice === 'auto')
    return backend === 'cpu' || backend === 'wasm' ? 'fast' : 'paper';
  return choice;
}

/** Copies the input over the preset's defaults and range-checks every field; throws naming the allowed values. */
export function validateModelConfig(input: DeepPriorConfigInput, backend: BackendName): DeepPriorConfig {
  if (input.preset !== undefined && !PRESET_CHOICES.includes(input.preset)) {
    throw new Error(`unknown preset '${String(input.preset)}'; use one of ${PRESET_CHOICES.join(', ')}`);
  }
  const { preset: presetChoice, ...overrides } = input;
  const preset = resolvePreset(presetChoice, backend);
  const config: DeepPriorConfig = { ...PRESETS[preset], ...definedOnly(overrides), preset };
  if (input.validationsPerEpoch === undefined && config.variant === 'plain') config.validationsPerEpoch = 2;
  if (!VARIANTS.includes(config.variant)) {
    throw new Error(`unknown variant '${String(config.variant)}'; use one of ${VARIANTS.join(', ')}`);
  }
  if (!LOSSES.includes(config.loss))
    throw new Error(`unknown loss '${String(config.loss)}'; use one of ${LOSSES.join(', ')}`);
  requireInteger('outputs', config.outputs, 1);
  if (config.outputs % 3 !== 0)
    throw new Error(`outputs must be 3·joints (u,v,d per joint), got ${config.outputs}`);
  requireInteger('convFilters', config.convFilters, 1);
  requireInteger('kernelSize', config.kernelSize, 1);
  requireInteger('batchSize', config.batchSize, 1);
  requireInteger('epochs', config.epochs, 1);
  requireInteger('validationsPerEpoch', config.validationsPerEpoch, 1);
  requireInteger('mcPasses', config.mcPasses, 1);
  if (config.denseUnits.length !== 2) throw new Error('denseUnits must list the two hidden dense widths');
  config.denseUnits.forEach((units, i) => requireInteger(`denseUnits[${i}]`, units, 1));
  requireRange('dropoutRate', config.dropoutRate, 0, 0.95);
  requireRange('leakySlope', config.leakySlope, 0, 1);
  requireRange('learningRate', config.learningRate, 1e-8, 1);
  requireRange('adamEpsilon', config.adamEpsilon, 1e-12, 1);
  requireInteger('inputSize', config.inputSize, 1);
  const shapes = layerShapes(config);
  if (shapes.conv3 < 1) {
    throw new Error(
      `inputSize ${config.inputSize} is too small for three ${config.kernelSize}×${config.kernelSize} valid convs`,
    );
  }
  return config;
}

/** Output side of each layer (valid convs, 2×2 pools after conv1 and conv2) and the flatten size. */
export function layerShapes(
  config: Pick<DeepPriorConfig, 'inputSize' | 'kernelSize' | 'convFilters'>,
): DeepPriorShapes {
  const shrink = config.kernelSize - 1;
  const conv1 = config.inputSize - shrink;
  const pool1 = Math.floor(conv1 / POOL_SIZE);
  const conv2 = pool1 - shrink;
  const pool2 = Math.floor(conv2 / POOL_SIZE);
  const conv3 = pool2 - shrink;
  return { conv1, pool1, conv2, pool2, conv3, flatten: Math.max(conv3, 0) ** 2 * config.convFilters };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
}

function requireRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be in [${min}, ${max}], got ${value}`);
  }
}
