/**
 * A minimal, strict reader for NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian float32/float64
 * (and int32/int64, for index arrays such as `parents`), C order, 1 to 3 dimensions. Anything else is rejected with a
 * message naming the file, never guessed at.
 * Format: magic "\x93NUMPY", major, minor, header length (uint16 LE for v1, uint32 LE for v2/v3), a Python dict literal
 * {'descr': '<f4', 'fortran_order': False, 'shape': (n, c), } padded with spaces and '\n', then the raw data.
 */

export interface NpyArray {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'int64';
  /** The values in C order (int64 values must be exact in a double). */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const DTYPES: Record<string, { dtype: NpyArray['dtype']; bytes: number }> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '<f8': { dtype: 'float64', bytes: 8 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
};
const MAX_DIMENSIONS = 3;

/** Parses the bytes of a .npy file; `name` (the file path) prefixes every error message. */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const fail = (message: string): Error => new Error(`${name}: ${message}`);
  if (bytes.length < 10 || MAGIC.some((byte, k) => bytes[k] !== byte))
    throw fail('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw fail('truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart),
  );

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortranOrder = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortranOrder === undefined || shapeText === undefined)
    throw fail(`unreadable header ${JSON.stringify(header.trim())}`);
  const type = DTYPES[descr];
  if (!type)
    throw fail(
      `dtype '${descr}' is not supported (expected little-endian float32 '<f4' or float64 '<f8'; ints for indices)`,
    );
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  if (shape.some((size) => !Number.isSafeInteger(size))) throw fail(`unreadable shape (${shapeText})`);
  if (shape.length < 1 || shape.length > MAX_DIMENSIONS)
    throw fail(`expected a 1-D to ${MAX_DIMENSIONS}-D array, got shape (${shapeText})`);
  // Fortran order only changes the layout when two or more axes are longer than 1.
  if (fortranOrder === 'True' && shape.filter((size) => size > 1).length > 1)
    throw fail('Fortran-ordered arrays are not supported; save with np.ascontiguousarray');

  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * type.bytes;
  if (bytes.length - dataStart !== expectedBytes)
    throw fail(
      `data is ${bytes.length - dataStart} bytes, expected ${expectedBytes} for shape (${shape.join(', ')})`,
    );

  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const offset = dataStart + k * type.bytes;
    switch (type.dtype) {
      case 'float32':
        data[k] = view.getFloat32(offset, true);
        break;
      case 'float64':
        data[k] = view.getFloat64(offset, true);
        break;
      case 'int32':
        data[k] = view.getInt32(offset, true);
        break;
      case 'int64': {
        const value = view.getBigInt64(offset, true);
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
          throw fail(`int64 value ${value} at index ${k} does not fit a double exactly`);
        data[k] = Number(value);
        break;
      }
    }
  }
  return { shape, dtype: type.dtype, data };
}
