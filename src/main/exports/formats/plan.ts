import type { ExportContext, ExportFormatId, ExportPlan, ExportSample } from '../types';
import { planCoco } from './coco';
import { planCsv } from './csv';
import { planGeneric } from './generic';
import { planJson3d } from './json3d';
import { planBigHand, planIcvl } from './native';

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
};

/** Everything an export of `samples` in `context.format` writes, in memory (pure; the node writer puts it on disk). */
export function planExport(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  return PLANNERS[context.format](samples, context);
}
