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
  /** The losses' names in a fixed order (how the workers exchange them). */
  readonly lossNames: readonly (keyof L & string)[];
  /**
   * Gradients of this shard's share of the batch's mean loss: the rows `rows[from … from + count)` of a batch of
   * `batch` rows, each loss scaled by count / batch so that the shards' sums are the full batch's gradient and loss.
   * Row `from + i` draws the dropout masks that batch row `from + i` draws in a one-worker run.
   */
  gradients(rows: Int32Array, from: number, count: number, batch: number, step: number): ShardGradients<L>;
  /** One optimiser step with the batch's gradients (in `variables` order). */
  apply(grads: readonly tf.Tensor[]): void;
  dispose(): void;
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
      const { grads, losses } = replica.gradients(rows, 0, rows.length, rows.length, step);
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
