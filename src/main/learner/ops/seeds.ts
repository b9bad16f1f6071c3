/**
 * Seed derivation for dropout masks. A mask depends only on (run seed, stream keys, slot), never on which thread or
 * batch computes it: MC inference keys masks by (sample index, pass), so splitting the work across workers changes
 * nothing.
 */
export function mixSeed(...values: number[]): number {
  let hash = 0x811c9dc5;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0), 0x01000193);
    hash ^= hash >>> 15;
    hash = Math.imul(hash, 0x2c1b3c6d);
    hash ^= hash >>> 12;
  }
  // xorshift32 needs a non-zero state.
  return hash >>> 0 || 0x9e3779b9;
}

/**
 * Fills out[offset, offset+length) with an inverted-dropout mask: 0 with probability `rate`, else 1/(1−rate).
 * xorshift32 on integers: about 2× faster than tf.randomUniform and exactly repeatable on every backend.
 */
export function fillDropoutMask(
  out: Float32Array,
  offset: number,
  length: number,
  seed: number,
  rate: number,
): void {
  // The MC engines draw hundreds of thousands of values per pass, so the loop is branch-free (a random 30 % branch
  // mispredicts often): the float32 bits of the keep value are and-ed with −1 or 0 and stored through an int view.
  // Unsigned `state ≥ threshold` is a signed compare with both top bits flipped. Same values as the plain loop.
  const threshold = (Math.floor(rate * 4294967296) ^ 0x80000000) | 0;
  const keepBits = new Int32Array(Float32Array.of(1 / (1 - rate)).buffer)[0]!;
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  let state = (seed >>> 0 || 0x9e3779b9) | 0;
  const end = offset + length;
  for (let i = offset; i < end; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bits[i] = keepBits & -((state ^ 0x80000000) >= threshold);
  }
}
