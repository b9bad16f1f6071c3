import { decode, encode } from 'fast-png';
import type { DepthImage } from '../types';

/** Values above this are sensor "no reading" codes (ICVL writes 32001), not distances; they decode to 0. */
export const MAX_SENSOR_DEPTH_MM = 32000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Signature (8) + IHDR length and type (8) + width and height (8): enough to size an image without decoding it. */
export const PNG_HEADER_BYTES = 24;

/** Width and height from the PNG signature and IHDR chunk, or an error message. */
export function readPngSize(header: Uint8Array): { width: number; height: number } | string {
  if (header.length < PNG_HEADER_BYTES || PNG_SIGNATURE.some((byte, i) => header[i] !== byte))
    return 'not a PNG file';
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (String.fromCharCode(...header.subarray(12, 16)) !== 'IHDR') return 'PNG without an IHDR header';
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : 'PNG with an empty image';
}

/**
 * Decodes a depth PNG: 16-bit single channel in mm (ICVL, BigHand, synthetic), or 8-bit RGB with
 * depth = (G << 8) | B (NYU). Throws on anything else.
 */
export function decodeDepthPng(bytes: Uint8Array): DepthImage {
  const png = decode(bytes);
  const { width, height, channels, data } = png;
  const depth = new Uint16Array(width * height);
  if (png.depth === 16 && channels === 1) {
    depth.set(data);
  } else if (png.depth === 8 && channels >= 3) {
    for (let i = 0, p = 0; i < depth.length; i++, p += channels)
      depth[i] = (data[p + 1]! << 8) | data[p + 2]!;
  } else {
    throw new Error(`unsupported depth PNG: ${png.depth}-bit with ${channels} channel(s)`);
  }
  for (let i = 0; i < depth.length; i++) if (depth[i]! > MAX_SENSOR_DEPTH_MM) depth[i] = 0;
  return { width, height, depth };
}

/** 16-bit greyscale PNG in mm, lossless. */
export function encodeDepthPng(image: DepthImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.depth, depth: 16, channels: 1 });
}
