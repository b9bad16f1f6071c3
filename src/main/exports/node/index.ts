/** Exports layer, node part: atomic writing of planned exports (files, folders, manifests, checksums). */
export { sha256, sidecarManifest, writeExport, type WriteExportOptions, type WrittenExport } from './write';
