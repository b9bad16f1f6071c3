import type { DatasetFormat } from '../../types';
import type { DatasetImport } from '../import-runner';
import { openBigHandImport } from './bighand';
import { openCocoImport } from './coco';
import { openCvatImport } from './cvat';
import { openDlcImport } from './dlc';
import { openGenericImport } from './generic';
import { type IcvlImportOptions, openIcvlImport } from './icvl';
import { openLabelStudioImport } from './labelstudio';
import { openLspImport } from './lsp';
import { openMpiiImport } from './mpii';
import { type NyuImportOptions, openNyuImport } from './nyu';
import { openMsraImport } from './msra';
import { type RgbFolderImportOptions, openRgbFolderImport } from './rgb-folder';
import { type SleapImportOptions, openSleapImport } from './sleap';
import { type UnlabelledImportOptions, openUnlabelledImport } from './unlabelled';
import { type VideoImportOptions, openVideoImport } from './video';
import { openYoloImport } from './yolo';

export type {
  IcvlImportOptions,
  NyuImportOptions,
  RgbFolderImportOptions,
  SleapImportOptions,
  UnlabelledImportOptions,
  VideoImportOptions,
};
export {
  openBigHandImport,
  openCocoImport,
  openCvatImport,
  openDlcImport,
  openLabelStudioImport,
  openSleapImport,
  openVideoImport,
  openYoloImport,
  openGenericImport,
  openIcvlImport,
  openLspImport,
  openMpiiImport,
  openMsraImport,
  openNyuImport,
  openRgbFolderImport,
  openUnlabelledImport,
};

/** Every format-specific option, for the one entry point; each importer ignores what is not its own. */
export type AnyImportOptions = Partial<
  IcvlImportOptions &
    NyuImportOptions &
    UnlabelledImportOptions &
    RgbFolderImportOptions &
    SleapImportOptions &
    VideoImportOptions
>;

/** Opens an import of `root` in `format`; throws AppError when the folder holds no such dataset. */
export function openDatasetImport(
  format: DatasetFormat,
  root: string,
  options: AnyImportOptions = {},
): Promise<DatasetImport> {
  switch (format) {
    case 'icvl':
      return openIcvlImport(root, options);
    case 'nyu':
      return openNyuImport(root, options);
    case 'bighand':
      return openBigHandImport(root, options);
    case 'msra':
      return openMsraImport(root, options);
    case 'generic':
      return openGenericImport(root, options);
    case 'unlabelled':
      return openUnlabelledImport(root, options);
    case 'lsp':
      return openLspImport(root, options);
    case 'mpii':
      return openMpiiImport(root, options);
    case 'coco':
      return openCocoImport(root, options);
    case 'rgb-folder':
      return openRgbFolderImport(root, options);
    case 'dlc':
      return openDlcImport(root, options);
    case 'sleap':
      return openSleapImport(root, options);
    case 'labelstudio':
      return openLabelStudioImport(root, options);
    case 'cvat':
      return openCvatImport(root, options);
    case 'yolo':
      return openYoloImport(root, options);
    case 'video':
      return openVideoImport(root, options);
  }
}
