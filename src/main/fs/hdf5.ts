import type { Hdf5Column, Hdf5Content } from '@shared/hdf5';
import h5wasm, { type Dataset, type Group } from 'h5wasm/node';

/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; its node build reads and writes real files).
 * Compound datasets come back as one object per row keyed by member name, 64-bit integers as numbers.
 */
export async function readHdf5<T>(path: string, read: (file: Hdf5Reader) => T): Promise<T> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'r');
  try {
    return read(new Hdf5Reader(file));
  } finally {
    file.close();
  }
}

export class Hdf5Reader {
  constructor(private readonly file: Group) {}

  has(path: string): boolean {
    return this.file.get(path) !== null;
  }

  attribute(path: string, name: string): unknown {
    const entity = this.file.get(path) as Group | Dataset | null;
    return entity?.attrs[name]?.value ?? null;
  }

  /** A 1-D compound dataset as rows; null when absent. */
  table(path: string): Record<string, number>[] | null {
    const dataset = this.file.get(path) as Dataset | null;
    if (!dataset) return null;
    const members = dataset.metadata.compound_type?.members.map((member) => member.name);
    if (!members) throw new Error(`${path} is not a compound (table) dataset`);
    const rows = (dataset.value ?? []) as unknown[][];
    return rows.map((row) =>
      Object.fromEntries(members.map((name, i) => [name, Number(row[i] as number | bigint | boolean)])),
    );
  }

  /** The names of the root's (or a group's) members. */
  keys(path = '/'): string[] {
    const group = this.file.get(path) as Group | null;
    return group?.keys() ?? [];
  }

  /** A numeric dataset of any shape, row-major, as doubles (64-bit integers as numbers); null when absent. */
  numbers(path: string): { shape: number[]; values: Float64Array } | null {
    const dataset = this.file.get(path) as Dataset | null;
    if (!dataset) return null;
    const raw = dataset.value as ArrayLike<number | bigint> | number | bigint;
    const list = typeof raw === 'number' || typeof raw === 'bigint' ? [raw] : Array.from(raw);
    return { shape: dataset.shape ?? [list.length], values: Float64Array.from(list, Number) };
  }

  /**
   * The rows of a 2-D 8-bit dataset (fixed length, zero-padded: trailing zeros dropped) or of a 1-D variable-length
   * one, as bytes: encoded images (SLEAP's embedded frames). Null when absent.
   */
  byteRows(path: string): Uint8Array[] | null {
    const dataset = this.file.get(path) as Dataset | null;
    if (!dataset) return null;
    const value = dataset.value as unknown;
    const asBytes = (row: ArrayLike<number>) =>
      ArrayBuffer.isView(row)
        ? new Uint8Array(row.buffer, row.byteOffset, row.byteLength).slice()
        : Uint8Array.from(row);
    if (Array.isArray(value)) return value.map((row) => asBytes(row as ArrayLike<number>));
    const [rows = 0, width = 0] = dataset.shape ?? [];
    const flat = value as Int8Array | Uint8Array;
    const bytes = new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength);
    return Array.from({ length: rows }, (_, r) => {
      let end = (r + 1) * width;
      while (end > r * width && bytes[end - 1] === 0) end--;
      return bytes.slice(r * width, end);
    });
  }

  /** A 1-D dataset of strings (fixed or variable length); null when absent. */
  strings(path: string): string[] | null {
    const dataset = this.file.get(path) as Dataset | null;
    if (!dataset) return null;
    const value = dataset.value as unknown;
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => (item instanceof Uint8Array ? new TextDecoder().decode(item) : String(item)));
  }
}

/** Writes `content` as a new HDF5 file at `path` (replacing any file there). */
export async function writeHdf5(path: string, content: Hdf5Content): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  try {
    for (const [group, attrs] of Object.entries(content.groups)) {
      const created = file.create_group(group);
      for (const [name, value] of Object.entries(attrs)) created.create_attribute(name, value);
    }
    for (const [name, dataset] of Object.entries(content.datasets)) {
      if (dataset.kind === 'strings') {
        file.create_dataset({ name, data: [...dataset.values] });
        continue;
      }
      file.create_dataset({
        name,
        data: new Map(dataset.columns.map((column) => [column.name, typedColumn(column)])),
        dtype: dataset.columns.map((column) => [column.name, column.dtype]),
      } as Parameters<Group['create_dataset']>[0]);
    }
  } finally {
    file.close();
  }
}

function typedColumn({ dtype, values }: Hdf5Column) {
  switch (dtype) {
    case '<Q':
      return BigUint64Array.from(values, (value) => BigInt(value));
    case '<q':
      return BigInt64Array.from(values, (value) => BigInt(value));
    case '<I':
      return Uint32Array.from(values);
    case '<i':
      return Int32Array.from(values);
    case '<B':
      return Uint8Array.from(values);
    case '<b':
      return Int8Array.from(values);
    case '<f':
      return Float32Array.from(values);
    case '<d':
      return Float64Array.from(values);
  }
}
