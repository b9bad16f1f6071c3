import { AppError } from '@shared/errors';
import { type DecodedPng, convertIndexedToRgb, decode as decodePng, hasPngSignature } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isJpeg } from '../formats/jpeg';
import type { ImportRecord, RgbImage } from '../types';
import { isMissingFile } from './files';

/** jpeg-js refuses images whose decode would need more; 1 GiB fits a 100-megapixel photo. */
const JPEG_MAX_MEMORY_MB = 1024;

/** The RGB image of a record as 8-bit RGBA; errors name the file. */
export async function loadRgb(root: string, record: Pick<ImportRecord, 'imagePath'>): Promise<RgbImage> {
  try {
    return decodeRgb(new Uint8Array(await readFile(join(root, record.imagePath))));
  } catch (error) {
    const missing = isMissingFile(error);
    throw new AppError(
      missing ? 'not_found' : 'invalid_input',
      `${record.imagePath}: ${missing ? 'image file not found' : messageOf(error)}`,
      record.imagePath,
    );
  }
}

/** Decodes a JPEG or PNG (any bit depth, grey, grey + alpha, RGB, RGBA or palette) to 8-bit RGBA. */
export function decodeRgb(bytes: Uint8Array): RgbImage {
  if (isJpeg(bytes)) {
    const { width, height, data } = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
    });
    return { width, height, rgba: data };
  }
  if (!hasPngSignature(bytes)) throw new Error('neither a JPEG nor a PNG file');
  const png = decodePng(bytes);
  const { width, height } = png;
  if (png.palette) {
    const colours = png.palette[0]?.length ?? 3;
    return { width, height, rgba: toRgba(convertIndexedToRgb(png), colours, width * height, 1) };
  }
  const samples = png.depth < 8 ? unpackBits(png) : png.data;
  return { width, height, rgba: toRgba(samples, png.channels, width * height, 255 / (2 ** png.depth - 1)) };
}

/** Grey, grey + alpha, RGB or RGBA samples → 8-bit RGBA; `toByte` scales a sample to 0–255. */
function toRgba(samples: ArrayLike<number>, channels: number, pixels: number, toByte: number): Uint8Array {
  const rgba = new Uint8Array(4 * pixels);
  const colour = channels >= 3 ? 3 : 1;
  const hasAlpha = channels === 2 || channels === 4;
  for (let p = 0; p < pixels; p++) {
    const at = p * channels;
    for (let c = 0; c < 3; c++) rgba[4 * p + c] = Math.round(samples[at + (colour === 3 ? c : 0)]! * toByte);
    rgba[4 * p + 3] = hasAlpha ? Math.round(samples[at + channels - 1]! * toByte) : 255;
  }
  return rgba;
}

/** 1-, 2- and 4-bit greyscale rows (each padded to a whole byte) → one sample per pixel. */
function unpackBits({ data, width, height, depth }: DecodedPng): Uint8Array {
  const samples = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      samples[y * width + x] = (data[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return samples;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
