import type { ExportContext, ExportPlan, ExportSample, PlannedImage } from '../types';
import { ImagePaths } from './common';

/** Where a label-file export puts the images: CVAT's export layout (`images/` beside `annotations.xml`). */
const IMAGE_FOLDER = 'images';

/**
 * The export of one label file that names each source image once (Label Studio, CVAT). By default a folder: the
 * label file plus every named image copied, as it is, to `images/<dataset folder>/<path in the dataset>` (CVAT's
 * own export with images; Label Studio serves the folder as its local-files root), so the folder re-imports
 * anywhere with nothing placed by hand, and a failed export leaves no folder (exports/node/write.ts). With
 * `context.images` false: the label file alone, naming images by their path in the dataset (for a tool that
 * already holds them).
 */
export class LabelFileExport {
  readonly copiesImages: boolean;
  private readonly paths: ImagePaths;
  private readonly images: PlannedImage[] = [];

  constructor(
    context: Pick<ExportContext, 'datasets' | 'images'>,
    private readonly fileName: string,
  ) {
    this.copiesImages = context.images !== false;
    this.paths = new ImagePaths(context.datasets, true);
  }

  /**
   * The name of the sample's image under `images/` (copied there), or its path in the dataset without copies. Call
   * once per source image.
   */
  imageName(sample: ExportSample): string {
    if (!this.copiesImages) return sample.imagePath;
    const name = this.paths.pathOf(sample);
    this.images.push({ sample, path: `${IMAGE_FOLDER}/${name}` });
    return name;
  }

  /** The sample's image path relative to the label file (registers the copy, as `imageName`). */
  imagePath(sample: ExportSample): string {
    const name = this.imageName(sample);
    return this.copiesImages ? `${IMAGE_FOLDER}/${name}` : name;
  }

  plan(text: string, rest: Pick<ExportPlan, 'samples' | 'skipped' | 'notes'>): ExportPlan {
    return this.copiesImages
      ? { kind: 'folder', files: [{ path: this.fileName, text }], images: this.images, ...rest }
      : { kind: 'file', files: [{ path: '', text }], images: [], ...rest };
  }
}
