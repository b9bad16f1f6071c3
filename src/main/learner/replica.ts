import * as tf from '@tensorflow/tfjs';

/** The losses of one step by name (null: a head that is off). */
export type LossValues = Record<string, number | null>;

/**
 * One copy of a model with its optimisers, as data-parallel training drives it (node/data-parallel.ts): every worker
 * thread holds one, computes the gradients of its shard of each batch, and applies the same summed gradients, so the
 * copies stay identical. With one worker it is simply the model's training step split in two.
 */
export interface Replica<L extends LossValues> {
  /** The trainable variables in a fixed order: the layout of the flat gradient vector the workers exchange. */
  readonly variables: readonly tf.Variable[];
  /** Untrained weights that must start alike on every worker too (batch-norm running statistics); default none. */
  readonly state?: readonly tf.Variable[];
  /** The longest vector one `allReduce` call sums (absent: the replica never calls it). */
  readonly reduceSize?: number;
  /** The losses' names in a fixed order (how the workers exchange them). */
  readonly lossNames: readonly (keyof L & string)[];
  /**
   * Gradients of this shard's share of the batch's mean loss: the rows `rows[from … from + count)` of a batch of
   * `batch` rows, each loss scaled by count / batch so that the shards' sums are the full batch's gradient and loss.
   * Row `from + i` draws the dropout masks that batch row `from + i` draws in a one-worker run. `allReduce` (null
   * with one worker) sums a vector over the workers mid-step, for what couples the batch's rows (batch norm).
   */
  gradients(
    rows: Int32Array,
    from: number,
    count: number,
    batch: number,
    step: number,
    allReduce: AllReduce | null,
  ): ShardGradients<L>;
  /** One optimiser step with the batch's gradients (in `variables` order). */
  apply(grads: readonly tf.Tensor[]): void;
  dispose(): void;
}

/**
 * Sums `values` over every worker's call (each worker calls it at the same point of the step, with a vector of the
 * same length), added in worker order, so every worker gets the same sum.
 */
export type AllReduce = (values: Float32Array) => Float32Array;

/** The tensors' sums over every worker, in one all-reduce call. */
export function allReduceTensors<T extends tf.Tensor>(parts: readonly T[], allReduce: AllReduce): T[] {
  const values = new Float32Array(parts.reduce((n, part) => n + part.size, 0));
  let offset = 0;
  for (const part of parts) {
    values.set(part.dataSync() as Float32Array, offset);
    offset += part.size;
  }
  const summed = allReduce(values);
  offset = 0;
  return parts.map((part) => {
    const sum = tf.tensor(summed.subarray(offset, offset + part.size), part.shape) as T;
    offset += part.size;
    return sum;
  });
}

export interface ShardGradients<L extends LossValues> {
  grads: tf.Tensor[];
  losses: L;
}

/** What the shared training loop calls once per batch: gradients over every worker, then one optimiser step. */
export interface GradientStepper<L extends LossValues> {
  /** Trains on the batch of sample indices `rows`; returns the batch's losses. */
  step(rows: Int32Array, step: number): L;
  readonly workers: number;
  /** Stops the helper threads (if any). */
  close(): Promise<void>;
}

/** One worker: the replica's own gradients, applied at once. */
export function localStepper<L extends LossValues>(replica: Replica<L>): GradientStepper<L> {
  return {
    workers: 1,
    step: (rows, step) => {
      const { grads, losses } = replica.gradients(rows, 0, rows.length, rows.length, step, null);
      try {
        replica.apply(grads);
      } finally {
        tf.dispose(grads);
      }
      return losses;
    },
    close: () => Promise.resolve(),
  };
}

/** Rows [from, to) of a batch that worker `index` of `workers` trains on: contiguous, sizes differ by at most one. */
export function shardOf(batch: number, workers: number, index: number): { from: number; to: number } {
  return {
    from: Math.floor((index * batch) / workers),
    to: Math.floor(((index + 1) * batch) / workers),
  };
}
