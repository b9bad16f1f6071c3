/**
 * JPEG size without decoding: walk the marker segments from SOI to the first start-of-frame (SOF) header, which
 * holds the height and width. Baseline and progressive files alike (MPII's are progressive).
 */

/**
 * Enough for almost every file: the frame header follows the APPn segments (EXIF, XMP, ICC), each at most 64 KiB.
 * When it lies further in, `readJpegSize` says so and the caller reads the whole file.
 */
export const JPEG_HEADER_BYTES = 64 * 1024;

const MARKER = 0xff;
const SOI = 0xd8;
const SOS = 0xda;
/** Start-of-frame markers C0–CF, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const NOT_SOF = new Set([0xc4, 0xc8, 0xcc]);

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === MARKER && bytes[1] === SOI && bytes[2] === MARKER;
}

/**
 * Width and height from the first SOF segment, an error message, or null when `bytes` end before it (a head of
 * the file that was too short: read more).
 */
export function readJpegSize(bytes: Uint8Array): { width: number; height: number } | string | null {
  if (!isJpeg(bytes)) return 'not a JPEG file';
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== MARKER) return `JPEG marker expected at byte ${offset}`;
    const marker = bytes[offset + 1]!;
    // Fill bytes before a marker, and the standalone markers TEM and RSTn, have no length field.
    if (marker === MARKER || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += marker === MARKER ? 1 : 2;
      continue;
    }
    if (marker === SOS) return 'JPEG without a frame header before its scan data';
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && !NOT_SOF.has(marker)) {
      if (offset + 9 > bytes.length) return null;
      const height = (bytes[offset + 5]! << 8) | bytes[offset + 6]!;
      const width = (bytes[offset + 7]! << 8) | bytes[offset + 8]!;
      return width > 0 && height > 0 ? { width, height } : 'JPEG with an empty image';
    }
    if (length < 2) return `JPEG segment at byte ${offset} has length ${length}`;
    offset += 2 + length;
  }
  return null;
}
