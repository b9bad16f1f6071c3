/**
 * A small HDF5 file described as data, so pure exporters can plan one (SLEAP .slp) and the node writer
 * (src/main/fs/hdf5.ts, h5wasm) puts it on disk. Dtypes are h5wasm's struct codes: Q/q 64-bit, I/i 32-bit, B/b
 * 8-bit unsigned/signed integers, f/d 32/64-bit floats.
 */
export type Hdf5Dtype = '<Q' | '<q' | '<I' | '<i' | '<B' | '<b' | '<f' | '<d';

export interface Hdf5Column {
  name: string;
  dtype: Hdf5Dtype;
  values: readonly number[];
}

export type Hdf5Dataset =
  { kind: 'table'; columns: readonly Hdf5Column[] } | { kind: 'strings'; values: readonly string[] };

export interface Hdf5Content {
  /** Group path → its attributes (a group without attributes: `{}`). */
  groups: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
  /** Dataset path → contents. */
  datasets: Readonly<Record<string, Hdf5Dataset>>;
}
