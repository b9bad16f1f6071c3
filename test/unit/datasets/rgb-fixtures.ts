import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A grey JPEG of the given size at `path` (folders created). */
export async function writeJpeg(path: string, width: number, height: number): Promise<void> {
  const data = new Uint8Array(width * height * 4).fill(128);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeJpeg({ width, height, data }, 90).data);
}

/** An 8-bit RGB PNG of the given size at `path` (folders created). */
export async function writePng(path: string, width: number, height: number): Promise<void> {
  const data = new Uint8Array(width * height * 3).fill(200);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodePng({ width, height, data, depth: 8, channels: 3 }));
}

/**
 * A MATLAB level-5 file holding one uncompressed double array (`values` in column-major order): the smallest file
 * `readMatNumericArrays` accepts, for layouts no fixture has.
 */
export function matFile(name: string, dims: readonly number[], values: readonly number[]): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by a PoseLoop test'));
  header.set([0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x49, 0x4d], 116); // subsystem offset, version 0x0100, "IM"
  const flags = element(6, new Uint8Array(new Uint32Array([6, 0]).buffer)); // mxDOUBLE_CLASS
  const dimensions = element(5, new Uint8Array(new Int32Array(dims).buffer));
  const arrayName = element(1, new TextEncoder().encode(name));
  const real = element(9, new Uint8Array(new Float64Array(values).buffer));
  const matrix = element(14, concat([flags, dimensions, arrayName, real]));
  return concat([header, matrix]);
}

/** A long-format data element: type, byte count, data padded to 8 bytes. */
function element(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + Math.ceil(data.length / 8) * 8);
  new DataView(out.buffer).setUint32(0, type, true);
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
