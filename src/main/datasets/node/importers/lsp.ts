import { AppError } from '@shared/errors';
import { LSP14 } from '@shared/skeletons';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { inflateSync } from 'node:zlib';
import { boxAroundJoints } from '../../formats/coco';
import { type LspTable, lspImageName, lspSplit, parseLspJointMat } from '../../formats/lsp';
import { type DatasetImport, type ImportOptions, runImport } from '../import-runner';
import { exists, filesIn, nothingToImport, resolveOptions, rgbDatasetInfo } from './common';

const LABEL_FILE = 'joints.mat';
const IMAGE_FOLDER = 'images';

/**
 * LSP (3 × 14 × 2000) or LSP-extended (14 × 3 × 10000) `joints.mat` with frame i ↔ `images/im%04d.jpg` or
 * `im%05d.jpg` (formats/lsp.ts). The labels do not name their images, so a partial image set is normal (a subset,
 * or the labels fetched alone): labels without an image file are counted under 'missing-image' and reported as
 * one error, not one per frame; every other problem stays per frame, located as `joints(:, :, i)`.
 */
export async function openLspImport(
  root: string,
  options: Partial<ImportOptions> = {},
): Promise<DatasetImport> {
  const settings = resolveOptions(options);
  if (!(await exists(join(root, LABEL_FILE)))) throw nothingToImport('lsp', root, LABEL_FILE);
  let table: LspTable;
  try {
    table = parseLspJointMat(new Uint8Array(await readFile(join(root, LABEL_FILE))), inflateSync);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid_input', `${LABEL_FILE}: ${message}`, LABEL_FILE);
  }
  const images = new Set(await filesIn(root, [IMAGE_FOLDER], '.jpg'));
  const dataset = rgbDatasetInfo('lsp', root, LSP14.id, settings);
  return runImport(root, dataset, settings, async function* (tally) {
    let missing = 0;
    let firstMissing = '';
    for (const [frame, joints] of table.frames.entries()) {
      const imagePath = posix.join(IMAGE_FOLDER, lspImageName(table.variant, frame));
      if (!images.has(imagePath)) {
        if (missing++ === 0) firstMissing = imagePath;
        continue;
      }
      const box = boxAroundJoints(joints);
      yield {
        key: imagePath,
        imagePath,
        uvd: null,
        joints,
        ...(box ? { box } : {}),
        file: LABEL_FILE,
        where: `joints(:, :, ${frame + 1})`,
        split: lspSplit(table.variant, frame, table.frames.length),
      };
    }
    if (missing > 0) {
      tally.errorForMany(
        {
          file: LABEL_FILE,
          reason: 'missing-image',
          message: `${missing.toLocaleString('en-US')} ${missing === 1 ? 'label has' : 'labels have'} no image file (first: ${firstMissing})`,
        },
        missing,
      );
    }
  });
}
