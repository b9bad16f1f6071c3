/**
 * The sampler registry (what the UI lists) and the one validated entry point, `runSampler`. The sampler functions
 * themselves trust their input; every check lives here so each error names the field it is about.
 */
import { AppError } from '@shared/errors';
import { cke, ckeAlg1, coreset } from './diversity';
import { aleatoric, random, uncertainty } from './ranking';
import type { Sampler, SamplerId, SamplerInput, SamplerOptions, Selection } from './types';
import { skeletonTree, vl4pose } from './vl4pose';

/** Optional inputs a sampler may need on top of candidates.mean / labelled.mean. */
export type InputField =
  | 'candidates.std'
  | 'labelled.std'
  | 'candidates.aleatoric'
  | 'candidates.linkOffsetMean'
  | 'candidates.linkOffsetLogVar'
  | 'parents';

export interface SamplerSpec {
  id: SamplerId;
  /** One line for the UI. */
  description: string;
  requires: readonly InputField[];
  /** Whether the ranking looks at the labelled set (diversity samplers) or scores each candidate on its own. */
  usesLabelled: boolean;
  /** Whether it splits C into joints (its reasons name joints or links), so C must be a multiple of jointCount. */
  usesJoints: boolean;
  run: Sampler;
}

const STD_FIELDS = ['candidates.std', 'labelled.std'] as const;

export const SAMPLERS: readonly SamplerSpec[] = [
  {
    id: 'random',
    description: 'Uniformly at random (seeded); the baseline every other sampler must beat.',
    requires: [],
    usesLabelled: false,
    usesJoints: false,
    run: random,
  },
  {
    id: 'coreset',
    description:
      'CoreSet: k-center greedy on predicted skeletons, the poses farthest from everything labelled (in rounds, each skeleton relative to its own centre; --features crop: the reference’s crop coordinates).',
    requires: [],
    usesLabelled: true,
    usesJoints: false,
    run: coreset,
  },
  {
    id: 'uncertainty',
    description: 'Most uncertain first: largest summed MC-dropout std over all coordinates.',
    requires: ['candidates.std'],
    usesLabelled: false,
    usesJoints: true,
    run: uncertainty,
  },
  {
    id: 'cke',
    description: 'CKE (reference code): CoreSet on skeletons pulled toward the origin by η·std.',
    requires: STD_FIELDS,
    usesLabelled: true,
    usesJoints: false,
    run: cke,
  },
  {
    id: 'cke-alg1',
    description:
      "CKE (paper's Algorithm 1): nearest centre by lower bound, scored by the upper-bound distance.",
    requires: STD_FIELDS,
    usesLabelled: true,
    usesJoints: false,
    run: ckeAlg1,
  },
  {
    id: 'aleatoric',
    description: 'Most ambiguous first: largest mean predicted aleatoric variance.',
    requires: ['candidates.aleatoric'],
    usesLabelled: false,
    usesJoints: true,
    run: aleatoric,
  },
  {
    id: 'vl4pose',
    description: 'VL4Pose: least likely predicted poses under the learned per-link offset model.',
    requires: ['parents', 'candidates.linkOffsetMean', 'candidates.linkOffsetLogVar'],
    usesLabelled: false,
    usesJoints: true,
    run: vl4pose,
  },
];

function invalid(field: string, message: string): AppError {
  return new AppError('invalid_input', `${field}: ${message}`, field);
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/** Checks every value is finite (and ≥ 0 when asked); names the first bad row and column. */
function checkValues(field: string, values: ArrayLike<number>, columns: number, nonNegative: boolean): void {
  for (let k = 0; k < values.length; k++) {
    const value = values[k]!;
    const problem = !Number.isFinite(value)
      ? String(value)
      : nonNegative && value < 0
        ? `negative (${value})`
        : null;
    if (problem !== null) {
      throw invalid(field, `value at row ${Math.floor(k / columns)}, column ${k % columns} is ${problem}`);
    }
  }
}

/** Checks a field's length against its shape, e.g. "expected 6×63 values, got 300". */
function checkShape(field: string, values: ArrayLike<number> | undefined, shape: readonly number[]): void {
  if (values === undefined)
    throw invalid(field, `required by this sampler but missing (expected ${shape.join('×')} values)`);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected)
    throw invalid(field, `expected ${shape.join('×')} values, got ${values.length}`);
}

function validateOptions(options: SamplerOptions): void {
  if (!isPositiveInteger(options.budget))
    throw invalid('budget', `must be an integer ≥ 1, got ${options.budget}`);
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw invalid('seed', `must be an integer, got ${options.seed}`);
  if (options.eta !== undefined && !(Number.isFinite(options.eta) && options.eta >= 0))
    throw invalid('eta', `must be a finite number ≥ 0, got ${options.eta}`);
}

/** Validates everything `spec` reads from `input`; throws an AppError('invalid_input') naming the field. */
export function validateSamplerInput(spec: SamplerSpec, input: SamplerInput): void {
  const { dims } = input;
  if (!isPositiveInteger(dims)) throw invalid('dims', `must be an integer ≥ 1, got ${dims}`);
  const jointCount = input.jointCount ?? dims / 3;
  if (input.jointCount !== undefined && !isPositiveInteger(input.jointCount))
    throw invalid('jointCount', `must be an integer ≥ 1, got ${input.jointCount}`);
  if ((spec.usesJoints || input.jointCount !== undefined) && !Number.isInteger(dims / jointCount)) {
    throw invalid(
      'jointCount',
      input.jointCount === undefined
        ? `required: the default C / 3 does not fit ${dims} coordinates`
        : `${jointCount} joints do not divide ${dims} coordinates`,
    );
  }

  const candidateValues = input.candidates.mean.length;
  if (candidateValues === 0) throw invalid('candidates.mean', 'no candidates');
  if (candidateValues % dims !== 0)
    throw invalid('candidates.mean', `${candidateValues} values is not a whole number of ${dims}-value rows`);
  const candidateCount = candidateValues / dims;
  checkValues('candidates.mean', input.candidates.mean, dims, false);
  if (spec.usesLabelled) {
    if (input.labelled.mean.length % dims !== 0)
      throw invalid(
        'labelled.mean',
        `${input.labelled.mean.length} values is not a whole number of ${dims}-value rows`,
      );
    checkValues('labelled.mean', input.labelled.mean, dims, false);
  }
  const labelledCount = Math.floor(input.labelled.mean.length / dims);

  const jointDims = dims / jointCount;
  for (const field of spec.requires) {
    switch (field) {
      case 'candidates.std':
      case 'candidates.aleatoric': {
        const values = field === 'candidates.std' ? input.candidates.std : input.candidates.aleatoric;
        checkShape(field, values, [candidateCount, dims]);
        checkValues(field, values!, dims, true);
        break;
      }
      case 'labelled.std':
        // An empty labelled set needs no std.
        if (labelledCount === 0 && input.labelled.std === undefined) break;
        checkShape(field, input.labelled.std, [labelledCount, dims]);
        checkValues(field, input.labelled.std!, dims, true);
        break;
      case 'parents':
        if (input.parents === undefined) throw invalid(field, `required by this sampler but missing`);
        if (input.parents.length !== jointCount)
          throw invalid(field, `expected ${jointCount} entries (one per joint), got ${input.parents.length}`);
        try {
          skeletonTree(input.parents);
        } catch (error) {
          throw invalid(field, error instanceof Error ? error.message : String(error));
        }
        break;
      case 'candidates.linkOffsetMean':
      case 'candidates.linkOffsetLogVar': {
        const values =
          field === 'candidates.linkOffsetMean'
            ? input.candidates.linkOffsetMean
            : input.candidates.linkOffsetLogVar;
        checkShape(field, values, [candidateCount, jointCount - 1, jointDims]);
        checkValues(field, values!, (jointCount - 1) * jointDims, false);
        break;
      }
    }
  }
}

export function getSampler(id: string): SamplerSpec {
  const spec = SAMPLERS.find((candidate) => candidate.id === id);
  if (!spec)
    throw invalid('sampler', `unknown sampler "${id}" (known: ${SAMPLERS.map((s) => s.id).join(', ')})`);
  return spec;
}

/**
 * Validates, then runs sampler `id`. Returns exactly min(budget, candidates) unique picks, best first.
 * Throws AppError('invalid_input') with `field` set on any shape mismatch, non-finite value, missing field or bad option.
 */
export function runSampler(id: string, input: SamplerInput, options: SamplerOptions): Selection {
  const spec = getSampler(id);
  validateOptions(options);
  validateSamplerInput(spec, input);
  return spec.run(input, options);
}
