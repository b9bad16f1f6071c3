import { AppError } from '@shared/errors';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeDepthPng } from '../formats/depth-png';
import { decodeMsraBin } from '../formats/msra';
import type { DepthImage, ImportRecord } from '../types';

/**
 * The depth frame of a record, in mm with 0 = no reading, whatever the dataset: MSRA `.bin` crops are pasted into
 * the full frame, NYU's G/B-encoded RGB is decoded, ICVL's 32001 becomes 0.
 */
export async function loadDepth(root: string, record: Pick<ImportRecord, 'imagePath'>): Promise<DepthImage> {
  const bytes = new Uint8Array(await readFile(join(root, record.imagePath)));
  try {
    return record.imagePath.toLowerCase().endsWith('.bin') ? decodeMsraBin(bytes) : decodeDepthPng(bytes);
  } catch (error) {
    // A truncated PNG says only "Error while decompressing the data": name the file (issue 15).
    throw new AppError(
      'invalid_input',
      `${record.imagePath}: cannot decode the image (${(error as Error).message || 'corrupt'})`,
      record.imagePath,
    );
  }
}
