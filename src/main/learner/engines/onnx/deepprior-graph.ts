import { DROPOUT_SLOTS, POOL_SIZE } from '../../models/deepprior/constants';
import type { DeepPriorConfig, DropoutSlot } from '../../models/deepprior/types';
import { layerShapes } from '../../models/deepprior/validate';
import type { NamedWeights } from '../../models/named-weights';
import { AUX_WEIGHT_PREFIX } from '../../models/vl4pose-aux/model';
import type { Vl4PoseAuxConfig } from '../../models/vl4pose-aux/types';
import { OnnxGraphBuilder } from './builder';

/** Graph input of a slot's dropout masks. */
export const maskInputName = (slot: DropoutSlot): string => `mask_${slot}`;

/**
 * The per-row shape of each dropout slot's mask in the variant, in forward order, laid out as the TF.js model draws
 * it: [H, W, C] after a conv (NHWC), [units] after a dense layer.
 */
export function dropoutRowShapes(config: DeepPriorConfig): Map<DropoutSlot, number[]> {
  const shapes = layerShapes(config);
  const f = config.convFilters;
  const all: Record<DropoutSlot, number[]> = {
    conv1: [shapes.conv1, shapes.conv1, f],
    conv2: [shapes.conv2, shapes.conv2, f],
    conv3: [shapes.conv3, shapes.conv3, f],
    dense1: [config.denseUnits[0]],
    dense2: [config.denseUnits[1]],
  };
  return new Map(DROPOUT_SLOTS[config.variant].map((slot) => [slot, all[slot]]));
}

/**
 * The DeepPrior net (models/deepprior/model.ts) with the checkpoint's weights as an ONNX graph for MC-dropout.
 *
 * Inputs: `x` [n, 1, S, S] (n samples) and one mask input per dropout slot, so that every pass uses exactly the masks
 * TF.js would draw for it. Rows are (sample, pass) pairs, sample-major: the layers before the variant's first dropout
 * slot are deterministic, so they run once per sample; at that slot the activations are broadcast against masks
 * [n, m, …] (m passes) and every later layer runs on n·m rows, whose later masks are [n·m, …]. Conv masks are fed in
 * TF.js's NHWC order and transposed to NCHW inside the graph. The plain model has no masks and m = 1.
 *
 * Outputs over the n·m rows: `mean`, `logvar` (Bayesian variants), `features` (penultimate activations before the
 * dense2 dropout) and `aux` (the VL4Pose head's offset means then log-variances, when given).
 */
export function deepPriorOnnxGraph(
  config: DeepPriorConfig,
  aux: Vl4PoseAuxConfig | null,
  weights: NamedWeights,
): Uint8Array {
  const g = new OnnxGraphBuilder();
  const shapes = layerShapes(config);
  const masks = dropoutRowShapes(config);
  const { inputSize: side, kernelSize: k, convFilters: f, denseUnits, outputs } = config;
  const weight = (name: string): { shape: number[]; values: Float32Array } => {
    const stored = weights.get(name);
    if (stored === undefined) throw new Error(`checkpoint has no weight '${name}'`);
    return stored;
  };
  // Rows stay per sample until the first dropout slot (the plain model never expands).
  let expanded = masks.size === 0;
  const rows = (): string => (expanded ? 'nm' : 'n');

  const dropout = (slot: DropoutSlot, h: string): string => {
    const rowShape = masks.get(slot);
    if (rowShape === undefined) return h;
    const first = !expanded;
    expanded = true;
    const conv = rowShape.length === 3;
    let mask = g.input(maskInputName(slot), first ? ['n', 'm', ...rowShape] : ['nm', ...rowShape]);
    if (conv) mask = g.node('Transpose', [mask], { perm: first ? [0, 1, 4, 2, 3] : [0, 3, 1, 2] });
    if (!first) return g.node('Mul', [h, mask]);
    const broadcast = g.node('Mul', [g.node('Unsqueeze', [h, g.int64s([1])]), mask]);
    const rowDims = conv ? [rowShape[2]!, rowShape[0]!, rowShape[1]!] : rowShape;
    return g.node('Reshape', [broadcast, g.int64s([-1, ...rowDims])]);
  };
  const conv = (name: string, h: string): string => {
    const kernel = weight(`${name}/kernel`);
    const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
    return g.node('Conv', [h, g.weight(`${name}/W`, [cout, cin, kh, kw], hwioToOihw(kernel)), bias(name)], {
      kernel_shape: [k, k],
    });
  };
  const bias = (name: string): string => {
    const stored = weight(`${name}/bias`);
    return g.weight(`${name}/B`, stored.shape, stored.values);
  };
  const dense = (name: string, h: string, kernel = weight(`${name}/kernel`)): string =>
    g.node('Gemm', [h, g.weight(`${name}/W`, kernel.shape, kernel.values), bias(name)]);
  const pool = (h: string): string =>
    g.node('MaxPool', [h], { kernel_shape: [POOL_SIZE, POOL_SIZE], strides: [POOL_SIZE, POOL_SIZE] });
  const leaky = (h: string): string => g.node('LeakyRelu', [h], { alpha: { float: config.leakySlope } });

  let h = g.input('x', ['n', 1, side, side]);
  h = leaky(pool(dropout('conv1', conv('conv1', h))));
  h = leaky(pool(dropout('conv2', conv('conv2', h))));
  h = leaky(dropout('conv3', conv('conv3', h)));
  // ONNX flattens NCHW; the dense1 kernel's rows follow TF.js's NHWC flatten, so they are reordered once here.
  const dense1 = weight('dense1/kernel');
  const flat = g.node('Flatten', [h], { axis: 1 });
  h = dropout('dense1', g.node('Relu', [dense('dense1', flat, chwRows(dense1, shapes.conv3, f))]));
  const features = g.node('Relu', [dense('dense2', h)]);
  const hidden = dropout('dense2', features);
  g.output('mean', dense('mean', hidden), [rows(), outputs]);
  if (config.variant !== 'plain') g.output('logvar', dense('logvar', hidden), [rows(), outputs]);
  g.output('features', features, [rows(), denseUnits[1]]);
  if (aux !== null) {
    let a = features;
    const layers = aux.hiddenUnits.length + 1;
    for (let i = 1; i <= layers; i++) {
      a = dense(`${AUX_WEIGHT_PREFIX}fc${i}`, a);
      if (i < layers) a = g.node('Relu', [a]);
    }
    g.output('aux', a, [rows(), 'auxWidth']);
  }
  return g.encode(`deepprior-${config.variant}`);
}

/** A TF.js conv kernel [kh, kw, in, out] reordered to ONNX's [out, in, kh, kw]. */
function hwioToOihw(kernel: { shape: number[]; values: Float32Array }): Float32Array {
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const out = new Float32Array(kernel.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = kernel.values[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** A dense kernel whose input rows are in (h, w, c) order, reordered to (c, h, w) for an NCHW flatten. */
function chwRows(
  kernel: { shape: number[]; values: Float32Array },
  side: number,
  channels: number,
): { shape: number[]; values: Float32Array } {
  const units = kernel.shape[1]!;
  const values = new Float32Array(kernel.values.length);
  for (let p = 0; p < side * side; p++) {
    for (let c = 0; c < channels; c++) {
      const from = (p * channels + c) * units;
      values.set(kernel.values.subarray(from, from + units), (c * side * side + p) * units);
    }
  }
  return { shape: kernel.shape, values };
}
