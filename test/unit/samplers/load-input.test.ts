import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSampler } from '../../../src/main/samplers';
import { loadSamplerInput } from '../../../src/main/samplers/node/load-input';
import { parseNpy } from '../../../src/main/samplers/node/npy';

interface NpyOptions {
  descr?: string;
  version?: 1 | 2;
  fortran?: boolean;
  /** Bytes to drop from the end (a truncated file). */
  truncate?: number;
}

/** Writes a .npy file the way NumPy does (header padded to 64 bytes, ending in '\n'). */
function npy(values: number[], shape: number[], options: NpyOptions = {}): Uint8Array {
  const { descr = '<f4', version = 1, fortran = false, truncate = 0 } = options;
  const item = Number(descr.slice(2));
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const prefix = version === 1 ? 10 : 12;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((prefix + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(prefix + header.length + values.length * item);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let k = 0; k < header.length; k++) bytes[prefix + k] = header.charCodeAt(k);
  const little = descr.startsWith('<');
  values.forEach((value, k) => {
    const at = prefix + header.length + k * item;
    if (descr.endsWith('f4')) view.setFloat32(at, value, little);
    else if (descr.endsWith('f8')) view.setFloat64(at, value, little);
    else if (descr.endsWith('i4')) view.setInt32(at, value, little);
    else if (descr.endsWith('i8')) view.setBigInt64(at, BigInt(value), little);
    // Other dtypes are only written to be rejected; their bytes stay zero.
  });
  return bytes.subarray(0, bytes.length - truncate);
}

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'poseloop-samplers-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('parseNpy', () => {
  it('reads float32 and float64, v1 and v2, 1-D to 3-D', () => {
    expect(parseNpy(npy([1.5, -2, 3, 4, 5, 6], [2, 3]), 'a.npy')).toEqual({
      shape: [2, 3],
      dtype: 'float32',
      data: Float64Array.from([1.5, -2, 3, 4, 5, 6]),
    });
    const v2 = parseNpy(npy([0.1, 0.2], [2], { descr: '<f8', version: 2 }), 'b.npy');
    expect(v2.shape).toEqual([2]);
    expect(Array.from(v2.data)).toEqual([0.1, 0.2]);
    expect(parseNpy(npy([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), 'c.npy').shape).toEqual([2, 2, 2]);
    expect(Array.from(parseNpy(npy([-1, 0, 1], [3], { descr: '<i8' }), 'p.npy').data)).toEqual([-1, 0, 1]);
  });

  it('rejects what it cannot read exactly, naming the file', () => {
    expect(() => parseNpy(new TextEncoder().encode('hello world!'), 'x.npy')).toThrow(
      'x.npy: not a .npy file',
    );
    expect(() => parseNpy(npy([1, 2], [2], { descr: '>f4' }), 'be.npy')).toThrow(
      /be.npy: dtype '>f4' is not supported/,
    );
    expect(() => parseNpy(npy([1, 2], [2], { descr: '<f2' }), 'h.npy')).toThrow(/dtype '<f2'/);
    expect(() => parseNpy(npy([1, 2, 3, 4], [2, 2], { fortran: true }), 'f.npy')).toThrow(/Fortran-ordered/);
    expect(() => parseNpy(npy([1, 2, 3, 4], [2, 2], { truncate: 4 }), 't.npy')).toThrow(
      't.npy: data is 12 bytes, expected 16 for shape (2, 2)',
    );
    expect(() => parseNpy(npy([1], []), 's.npy')).toThrow(/expected a 1-D to 3-D array/);
    expect(() => parseNpy(npy(new Array(16).fill(0), [2, 2, 2, 2]), 'd.npy')).toThrow(
      /expected a 1-D to 3-D/,
    );
  });
});

describe('loadSamplerInput', () => {
  const candidates = [
    [0.5, 0.1, 0.0],
    [-0.4, 0.3, 0.1],
  ];
  const std = [
    [0.01, 0.02, 0.0],
    [0.05, 0.0, 0.01],
  ];

  it('loads a JSON file and runs a sampler on it', async () => {
    const file = join(folder, 'input.json');
    await writeFile(
      file,
      JSON.stringify({ candidates: { mean: candidates, std }, labelled: { mean: [[0, 0, 0]] } }),
    );
    const loaded = await loadSamplerInput(file);
    expect(loaded.dims).toBe(3);
    expect(Array.from(loaded.candidates.std!)).toEqual(Array.from(Float32Array.from(std.flat())));
    expect(Array.from(runSampler('uncertainty', loaded, { budget: 1 }).picks)).toEqual([1]);
    expect(Array.from(runSampler('coreset', loaded, { budget: 1 }).picks)).toEqual([1]);
  });

  it('loads VL4Pose fields with nested link arrays', async () => {
    const file = join(folder, 'vl4.json');
    const links = [
      [
        [10, 0, 5],
        [8, 2, 0],
      ],
    ];
    const logVar = [
      [
        [Math.log(4), Math.log(4), Math.log(9)],
        [0, 0, Math.log(2)],
      ],
    ];
    await writeFile(
      file,
      JSON.stringify({
        candidates: {
          mean: [[0, 0, 0, 11, -1, 8, 20, 1, 9]],
          linkOffsetMean: links,
          linkOffsetLogVar: logVar,
        },
        parents: [-1, 0, 1],
      }),
    );
    const loaded = await loadSamplerInput(file);
    expect(loaded.jointCount).toBe(3);
    expect(loaded.labelled.mean).toHaveLength(0);
    const [reason] = runSampler('vl4pose', loaded, { budget: 1 }).reasons;
    expect(reason).toMatchObject({ kind: 'vl4pose', loglik: expect.closeTo(-9.845111439296009, 4) });
  });

  it('names the file and field of a bad JSON input', async () => {
    const file = join(folder, 'bad.json');
    await writeFile(file, JSON.stringify({ candidates: { mean: candidates, std: [[0.1, 0.2]] } }));
    await expect(loadSamplerInput(file)).rejects.toThrow(
      `${file}: candidates.std: 1 rows, but the set's mean has 2`,
    );
    await writeFile(
      file,
      JSON.stringify({
        candidates: {
          mean: [
            [1, 2, 3],
            [4, 5],
          ],
        },
      }),
    );
    await expect(loadSamplerInput(file)).rejects.toThrow(
      `${file}: candidates.mean: row 1 has 2 values, expected 3`,
    );
    await writeFile(file, JSON.stringify({ candidates: { mean: candidates }, labelled: { mean: [[1, 2]] } }));
    await expect(loadSamplerInput(file)).rejects.toThrow('labelled.mean: 2 columns, expected 3');
    await writeFile(file, JSON.stringify({ candidates: { mean: [[1, null, 3]] } }));
    await expect(loadSamplerInput(file)).rejects.toThrow(
      'candidates.mean: row 0, column 1 is not a number (null)',
    );
    await writeFile(file, JSON.stringify({ candidates: { mean: candidates, sd: std } }));
    await expect(loadSamplerInput(file)).rejects.toThrow('candidates: unknown field "sd"');
    await writeFile(file, '{"candidates": ');
    await expect(loadSamplerInput(file)).rejects.toThrow(`${file}: not readable as JSON`);
    await expect(loadSamplerInput(join(folder, 'missing.json'))).rejects.toThrow('no such file or folder');
  });

  it('loads a folder of .npy files', async () => {
    await writeFile(join(folder, 'candidates_mean.npy'), npy(candidates.flat(), [2, 3]));
    await writeFile(
      join(folder, 'candidates_std.npy'),
      npy(std.flat(), [2, 3], { descr: '<f8', version: 2 }),
    );
    await writeFile(join(folder, 'labelled_mean.npy'), npy([0, 0, 0], [1, 3]));
    await writeFile(join(folder, 'labelled_std.npy'), npy([0.1, 0.1, 0.1], [1, 3]));
    await writeFile(join(folder, 'notes.txt'), 'ignored');
    const loaded = await loadSamplerInput(folder);
    expect(loaded.dims).toBe(3);
    expect(loaded.labelled.mean).toHaveLength(3);
    expect(Array.from(runSampler('cke', loaded, { budget: 2 }).picks)).toHaveLength(2);
  });

  it('names the file of a bad .npy input', async () => {
    await expect(loadSamplerInput(folder)).rejects.toThrow(/candidates_mean.npy: missing/);
    await writeFile(join(folder, 'candidates_mean.npy'), npy(candidates.flat(), [2, 3]));
    await writeFile(join(folder, 'candidates_std.npy'), npy(std.flat(), [3, 2]));
    await expect(loadSamplerInput(folder)).rejects.toThrow(
      `${join(folder, 'candidates_std.npy')}: candidates.std: 3 rows, but the set's mean has 2`,
    );
    await writeFile(join(folder, 'candidates_std.npy'), npy(std.flat(), [6]));
    await expect(loadSamplerInput(folder)).rejects.toThrow(/candidates.std: expected a 2-D array/);
    await writeFile(join(folder, 'candidates_std.npy'), npy(std.flat(), [2, 3], { descr: '>f4' }));
    await expect(loadSamplerInput(folder)).rejects.toThrow(
      /candidates_std.npy: dtype '>f4' is not supported/,
    );
    await rm(join(folder, 'candidates_std.npy'));
    await writeFile(join(folder, 'candidates_sigma.npy'), npy(std.flat(), [2, 3]));
    await expect(loadSamplerInput(folder)).rejects.toThrow(/candidates_sigma.npy: unknown field/);
  });
});
