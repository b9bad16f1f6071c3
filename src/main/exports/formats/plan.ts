import type { ExportContext, ExportFormatId, ExportPlan, ExportSample } from '../types';
import { planCoco } from './coco';
import { planCocoResults } from './coco-results';
import { planCsv } from './csv';
import { planCvat } from './cvat';
import { planDlc } from './dlc';
import { planGeneric } from './generic';
import { planJson3d } from './json3d';
import { planLabelStudio } from './labelstudio';
import { planBigHand, planIcvl } from './native';
import { planSleap } from './sleap';
import { planYolo } from './yolo';

const PLANNERS: Record<
  ExportFormatId,
  (samples: readonly ExportSample[], context: ExportContext) => ExportPlan
> = {
  coco: planCoco,
  json3d: planJson3d,
  csv: planCsv,
  icvl: planIcvl,
  bighand: planBigHand,
  generic: planGeneric,
  dlc: planDlc,
  sleap: planSleap,
  labelstudio: planLabelStudio,
  cvat: planCvat,
  yolo: planYolo,
  'coco-results': planCocoResults,
};

/** Everything an export of `samples` in `context.format` writes, in memory (pure; the node writer puts it on disk). */
export function planExport(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  return PLANNERS[context.format](samples, context);
}
