/**
 * Minimal MATLAB level-5 MAT reader for numeric arrays (what hand datasets ship: joint tables). We do not use
 * mat-for-js here: its N-D index arithmetic is wrong beyond two dimensions (it multiplies by the previous dimension
 * instead of the stride), which scrambles NYU's 3-D and 4-D joint arrays. Cells, structs, chars and sparse arrays
 * are skipped; MAT v7.3 (HDF5) is refused. Decompression is injected to keep this module free of node:.
 */

export interface MatArray {
  /** MATLAB dimensions, e.g. [8252, 14, 3]. */
  dims: number[];
  /** Values in MATLAB's column-major order (first index fastest). */
  data: Float64Array;
}

export type Inflate = (compressed: Uint8Array) => Uint8Array;

const HEADER_BYTES = 128;
const MI_INT8 = 1;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
/** mxClass ids of numeric arrays: double, single, int8 … uint64. */
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

/** MATLAB column-major linear index of a subscript (0-based). */
export function matIndex(dims: readonly number[], subscript: readonly number[]): number {
  let index = 0;
  let stride = 1;
  subscript.forEach((value, axis) => {
    index += value * stride;
    stride *= dims[axis]!;
  });
  return index;
}

export function readMatNumericArrays(bytes: Uint8Array, inflate: Inflate): Map<string, MatArray> {
  const text = String.fromCharCode(...bytes.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) throw new Error('MAT v7.3 (HDF5) is not supported; re-save with -v7');
  if (!text.startsWith('MATLAB 5.0') || bytes.length < HEADER_BYTES)
    throw new Error('not a MATLAB level-5 MAT file');
  if (String.fromCharCode(bytes[126]!, bytes[127]!) !== 'IM')
    throw new Error('big-endian MAT files are not supported');
  const arrays = new Map<string, MatArray>();
  let offset = HEADER_BYTES;
  while (offset + 8 <= bytes.length) {
    const element = readElement(bytes, offset);
    if (element.type === MI_COMPRESSED) {
      const inner = inflate(element.data);
      const matrix = readElement(inner, 0);
      if (matrix.type === MI_MATRIX) readMatrix(matrix.data, arrays);
    } else if (element.type === MI_MATRIX) {
      readMatrix(element.data, arrays);
    }
    offset = element.next;
  }
  return arrays;
}

interface Element {
  type: number;
  data: Uint8Array;
  /** Offset of the following element. */
  next: number;
}

function readElement(bytes: Uint8Array, offset: number): Element {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(offset, true);
  if (first >>> 16 !== 0) {
    // Small data element: type and size share the first word, data fits in the second.
    const size = first >>> 16;
    return { type: first & 0xffff, data: bytes.subarray(offset + 4, offset + 4 + size), next: offset + 8 };
  }
  const size = view.getUint32(offset + 4, true);
  const end = offset + 8 + size;
  if (end > bytes.length) throw new Error(`MAT element at byte ${offset} runs past the end of the file`);
  // Compressed elements are not padded; all others are padded to 8 bytes.
  const next = first === MI_COMPRESSED ? end : offset + 8 + Math.ceil(size / 8) * 8;
  return { type: first, data: bytes.subarray(offset + 8, end), next };
}

function readMatrix(matrix: Uint8Array, into: Map<string, MatArray>): void {
  const flags = readElement(matrix, 0);
  if (flags.type !== MI_UINT32) return;
  const mxClass = flags.data[0]!;
  const dimensions = readElement(matrix, flags.next);
  const name = readElement(matrix, dimensions.next);
  if (!NUMERIC_CLASSES.has(mxClass) || dimensions.type !== MI_INT32 || name.type !== MI_INT8) return;
  const dims = Array.from(toNumbers(dimensions.type, dimensions.data));
  const real = readElement(matrix, name.next);
  into.set(String.fromCharCode(...name.data), { dims, data: toNumbers(real.type, real.data) });
}

/** MAT data types 1–13 (int8 … uint64) → float64, little-endian. */
function toNumbers(type: number, data: Uint8Array): Float64Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const readers: Record<number, [number, (at: number) => number]> = {
    1: [1, (at) => view.getInt8(at)],
    2: [1, (at) => view.getUint8(at)],
    3: [2, (at) => view.getInt16(at, true)],
    4: [2, (at) => view.getUint16(at, true)],
    5: [4, (at) => view.getInt32(at, true)],
    6: [4, (at) => view.getUint32(at, true)],
    7: [4, (at) => view.getFloat32(at, true)],
    9: [8, (at) => view.getFloat64(at, true)],
    12: [8, (at) => Number(view.getBigInt64(at, true))],
    13: [8, (at) => Number(view.getBigUint64(at, true))],
  };
  const reader = readers[type];
  if (!reader) throw new Error(`unsupported MAT data type ${type}`);
  const [size, read] = reader;
  const values = new Float64Array(Math.floor(data.byteLength / size));
  for (let i = 0; i < values.length; i++) values[i] = read(i * size);
  return values;
}
