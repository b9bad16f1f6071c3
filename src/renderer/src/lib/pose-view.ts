import type { PredictionView } from '@shared/contract';
import type { Joint } from '@shared/domain';
import type { SkeletonLayout } from '@shared/skeletons';
import type { SourceImage } from './depth';

/**
 * What both pose views (the 2D canvas and the 3D view) show and report: the image, the joints being edited on the
 * project's skeleton, the model's suggestion and the selected joint; a click selects, a finished drag is reported.
 */
export interface PoseViewProps {
  /** A depth map (painted through the colour map and the mm window) or an RGB image (shown as is). */
  image: SourceImage;
  joints: Joint[];
  layout: SkeletonLayout;
  prediction: PredictionView | null;
  selected: number | null;
  onselect: (index: number | null) => void;
  ondragend: (index: number) => void;
}
