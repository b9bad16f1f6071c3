import * as tf from '@tensorflow/tfjs';
import { shardOf, type AllReduce, type LossValues, type Replica } from '../replica';

/**
 * The shared memory of one data-parallel run and the step every worker thread takes on it. Workers meet at
 * Atomics-based barriers (no messages per step), so the training loop's step stays synchronous.
 */
export interface ReplicaLink {
  workers: number;
  /** Int32 slots, see SLOT. */
  control: SharedArrayBuffer;
  /** Int32 × batch: the sample indices of the current batch. */
  rows: SharedArrayBuffer;
  /** Float32 × workers × parameters: each worker's shard gradients (before the first step: the initial weights). */
  gradients: SharedArrayBuffer;
  /** Float64 × workers × losses: each worker's share of each loss. */
  losses: SharedArrayBuffer;
  /** Float32 × 2 × workers × the replica's reduceSize: each worker's vector of the last two all-reduces. */
  reduce: SharedArrayBuffer;
}

/** Control slots: the step counter helpers wait on, the step's number, barrier state, the done count, failure. */
export const SLOT = { go: 0, step: 1, arrived: 2, generation: 3, done: 4, failed: 5 } as const;
const SLOTS = 6;
/** How long one wait lasts before the failure flag is checked again (a terminated thread also stops here). */
const WAIT_MS = 500;

/** The link of `workers` replicas like `replica`, for batches of `batch` rows. */
export function createLink(
  replica: Pick<Replica<LossValues>, 'variables' | 'state' | 'lossNames' | 'reduceSize'>,
  workers: number,
  batch: number,
): ReplicaLink {
  const size = (variables: readonly tf.Variable[] = []): number => variables.reduce((n, v) => n + v.size, 0);
  const parameters = size(replica.variables);
  // Before the first step worker 0's slots hold the starting weights, state included.
  const gradients = Math.max(workers * parameters, parameters + size(replica.state));
  return {
    workers,
    control: new SharedArrayBuffer(SLOTS * 4),
    rows: new SharedArrayBuffer(batch * 4),
    gradients: new SharedArrayBuffer(gradients * 4),
    losses: new SharedArrayBuffer(workers * replica.lossNames.length * 8),
    reduce: new SharedArrayBuffer(2 * workers * (replica.reduceSize ?? 0) * 4),
  };
}

/** A copy of `values` in shared memory (which worker threads read without copying it again). */
export function sharedCopy<A extends Float32Array | Int8Array>(values: A): A {
  const copy = new (values.constructor as new (buffer: SharedArrayBuffer) => A)(
    new SharedArrayBuffer(values.byteLength),
  );
  copy.set(values as ArrayLike<number>);
  return copy;
}

/** Typed views of a link, as one worker uses them. */
export class LinkViews {
  readonly control: Int32Array;
  readonly rows: Int32Array;
  readonly gradients: Float32Array;
  readonly losses: Float64Array;
  readonly reduce: Float32Array;

  constructor(readonly link: ReplicaLink) {
    this.control = new Int32Array(link.control);
    this.rows = new Int32Array(link.rows);
    this.gradients = new Float32Array(link.gradients);
    this.losses = new Float64Array(link.losses);
    this.reduce = new Float32Array(link.reduce);
  }

  /** Blocks while control[slot] === value; throws when a worker has failed (`onFailure` says why). */
  waitWhile(slot: number, value: number, onFailure: () => never): void {
    while (Atomics.load(this.control, slot) === value) {
      if (Atomics.load(this.control, SLOT.failed) !== 0) onFailure();
      Atomics.wait(this.control, slot, value, WAIT_MS);
    }
  }

  /** Every worker waits here until all have arrived. */
  barrier(onFailure: () => never): void {
    const generation = Atomics.load(this.control, SLOT.generation);
    if (Atomics.add(this.control, SLOT.arrived, 1) === this.link.workers - 1) {
      Atomics.store(this.control, SLOT.arrived, 0);
      Atomics.add(this.control, SLOT.generation, 1);
      Atomics.notify(this.control, SLOT.generation);
    } else {
      this.waitWhile(SLOT.generation, generation, onFailure);
    }
  }

  signal(slot: number): void {
    Atomics.add(this.control, slot, 1);
    Atomics.notify(this.control, slot);
  }

  /**
   * Worker `index`'s all-reduces within one step (see AllReduce): its vector into its slot, a barrier, then the sum
   * of the slots in worker order. Calls alternate between two sets of slots: a worker can only write call k + 2 once
   * every worker has passed call k + 1's barrier, i.e. has read call k, so one barrier per call suffices.
   */
  allReduce(index: number, onFailure: () => never): AllReduce {
    const { workers } = this.link;
    const size = this.reduce.length / (2 * workers);
    let calls = 0;
    return (values) => {
      if (values.length > size)
        throw new Error(`all-reduce of ${values.length} values; the link holds ${size}`);
      const base = (calls++ % 2) * workers * size;
      this.reduce.set(values, base + index * size);
      this.barrier(onFailure);
      const sum = new Float32Array(values.length);
      for (let w = 0; w < workers; w++) {
        const slot = this.reduce.subarray(base + w * size, base + w * size + values.length);
        for (let i = 0; i < values.length; i++) sum[i]! += slot[i]!;
      }
      return sum;
    };
  }

  /** Marks the run failed and wakes every waiting worker. */
  fail(): void {
    Atomics.store(this.control, SLOT.failed, 1);
    for (const slot of Object.values(SLOT)) Atomics.notify(this.control, slot);
  }
}

/** Writes the replica's weights (state too) into the gradient slots: how the helpers receive the starting weights. */
export function publishWeights(
  replica: Pick<Replica<LossValues>, 'variables' | 'state'>,
  views: LinkViews,
): void {
  let offset = 0;
  for (const variable of [...replica.variables, ...(replica.state ?? [])]) {
    views.gradients.set(variable.dataSync() as Float32Array, offset);
    offset += variable.size;
  }
}

/** Loads the weights `publishWeights` wrote into this replica. */
export function loadPublishedWeights(
  replica: Pick<Replica<LossValues>, 'variables' | 'state'>,
  views: LinkViews,
): void {
  let offset = 0;
  for (const variable of [...replica.variables, ...(replica.state ?? [])]) {
    const values = views.gradients.subarray(offset, offset + variable.size);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
    offset += variable.size;
  }
}

/**
 * Worker `index`'s part of a step: the gradients of its shard of the batch into its slot, a barrier, then the sum
 * of all slots in worker order (the same float additions on every worker, whatever the timing) applied to its
 * replica. Every replica thus takes the same optimiser step and stays identical to the others. Returns this worker's
 * share of the losses.
 */
export function trainShard<L extends LossValues>(
  replica: Replica<L>,
  views: LinkViews,
  index: number,
  onFailure: () => never,
): L {
  const { workers } = views.link;
  const batch = views.rows.length;
  const { from, to } = shardOf(batch, workers, index);
  const step = Atomics.load(views.control, SLOT.step);
  const allReduce = views.allReduce(index, onFailure);
  const { grads, losses } = replica.gradients(views.rows, from, to - from, batch, step, allReduce);
  const parameters = replica.variables.reduce((n, v) => n + v.size, 0);
  let offset = index * parameters;
  for (const grad of grads) {
    views.gradients.set(grad.dataSync() as Float32Array, offset);
    offset += grad.size;
  }
  tf.dispose(grads);
  replica.lossNames.forEach((name, k) => {
    views.losses[index * replica.lossNames.length + k] = losses[name] ?? Number.NaN;
  });
  views.barrier(onFailure);
  const summed = sumSlots(views.gradients, workers, parameters);
  offset = 0;
  const tensors = replica.variables.map((variable) => {
    const tensor = tf.tensor(summed.subarray(offset, offset + variable.size), variable.shape);
    offset += variable.size;
    return tensor;
  });
  try {
    replica.apply(tensors);
  } finally {
    tf.dispose(tensors);
  }
  return losses;
}

/** Σ over the worker slots, always added in slot order. */
export function sumSlots(slots: Float32Array, workers: number, size: number): Float32Array {
  const sum = slots.slice(0, size);
  for (let w = 1; w < workers; w++) {
    const slot = slots.subarray(w * size, (w + 1) * size);
    for (let i = 0; i < size; i++) sum[i]! += slot[i]!;
  }
  return sum;
}

/** The batch's losses: each loss's worker shares summed in worker order (null where this worker's is null). */
export function sumLosses<L extends LossValues>(
  own: L,
  names: readonly (keyof L & string)[],
  views: LinkViews,
): L {
  const out: LossValues = {};
  names.forEach((name, k) => {
    if (own[name] === null) {
      out[name] = null;
      return;
    }
    let total = 0;
    for (let w = 0; w < views.link.workers; w++) total += views.losses[w * names.length + k]!;
    out[name] = total;
  });
  return out as L;
}
