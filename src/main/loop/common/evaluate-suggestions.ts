import { mean } from 'simple-statistics';
import { uvdDistanceMm } from '@shared/camera';
import type { PredictionView, SuggestionEvaluation } from '@shared/contract';
import type { Intrinsics, Joint, Split } from '@shared/domain';
import { collapsedPairs, shoulderPair } from '@shared/pose2d';
import type { LoopProject } from '../context';
import { pckhInImage } from '../pretrained/pckh';
import { visibilityCode } from '../rgb/geometry';
import { predictionView } from './prediction-view';
import { median, validationReport } from './suggestion-quality';

type Suggested = PredictionView['joints'];

/** Per-sample camera of depth frames, from their dataset (parsed once per dataset); null where none is stored. */
function cameras(project: LoopProject): (datasetId: number) => Intrinsics | null {
  const byDataset = new Map(
    project.store
      .listDatasets()
      .map((d) => [d.id, d.intrinsics ? (JSON.parse(d.intrinsics) as Intrinsics) : null] as const),
  );
  return (datasetId) => byDataset.get(datasetId) ?? null;
}

/** Scored joints of one sample: image-plane error, ring σ (0: none) and, with depth on both sides, 3-D error. */
function measureSample(
  label: readonly Joint[],
  joints: Suggested,
  camera: Intrinsics | null,
  into: { errorPx: number[]; sigmaPx: number[]; errorMm: number[]; missing: number },
): void {
  label.forEach((truth, j) => {
    if (visibilityCode(truth) < 0) return;
    const { u, v, d, stdPx } = joints[j] ?? { u: null, v: null, d: 0, stdPx: null };
    if (u === null || v === null) {
      into.missing++;
      return;
    }
    into.errorPx.push(Math.hypot(u - truth.u!, v - truth.v!));
    into.sigmaPx.push(stdPx ?? 0); // error / 0 is not a usable ratio: no ring, left out of the coverage
    if (camera && truth.d !== null && truth.d > 0 && d > 0)
      into.errorMm.push(uvdDistanceMm(camera, [u, v, d], [truth.u!, truth.v!, truth.d]));
  });
}

/**
 * Scores the suggestion each sample of a split shows in the annotate view (`predictionView`: the project's model,
 * a pretrained or an imported one) against the hidden oracle labels where the project keeps them (the demos'
 * pools, datasets imported with --hide-labels), else the sample's reviewed label. Joints the suggestion leaves out are counted as missing, and
 * as misses in PCKh.
 */
export function evaluateSuggestions(project: LoopProject, split: Split): SuggestionEvaluation {
  const { store, skeleton } = project;
  const ids = store.sampleIds(split);
  const cameraOf = cameras(project);
  const measures = { errorPx: [] as number[], sigmaPx: [] as number[], errorMm: [] as number[], missing: 0 };
  const shown: Suggested[] = [];
  const scored: { joints: readonly Joint[]; predicted: ({ u: number; v: number } | null)[] }[] = [];
  const sources = new Map<string, SuggestionEvaluation['sources'][number]>();
  let withoutLabel = 0;
  for (const id of ids) {
    const view = predictionView(project, id);
    if (!view) continue;
    shown.push(view.joints);
    const label = store.groundTruth(id) ?? store.annotations.labelOf(id, 'exclude');
    if (!label) {
      withoutLabel++;
      continue;
    }
    const sample = store.requireSample(id);
    const camera = project.modality === 'depth' ? cameraOf(sample.datasetId) : null;
    measureSample(label, view.joints, camera, measures);
    const predicted = view.joints.map((p) => (p.u === null || p.v === null ? null : { u: p.u, v: p.v }));
    scored.push({ joints: label, predicted });
    const key = `${view.source.kind}:${view.source.label}`;
    const source = sources.get(key) ?? { kind: view.source.kind, label: view.source.label, samples: 0 };
    sources.set(key, { ...source, samples: source.samples + 1 });
  }
  const report = validationReport({
    samples: scored.length,
    errorPx: measures.errorPx,
    errorMm: null,
    sigmaPx: measures.sigmaPx,
    aleatoricPx: null,
  });
  const base = {
    split,
    samples: ids.length,
    scoredSamples: scored.length,
    withoutSuggestion: ids.length - shown.length,
    withoutLabel,
    joints: measures.errorPx.length,
    missingJoints: measures.missing,
    medianErrorPx: report?.medianErrorPx ?? null,
    within10Px: report?.within10Px ?? null,
    sigma: report?.sigma ? { joints: report.sigma.joints, ...report.sigma.before } : null,
    sources: [...sources.values()].sort((a, b) => b.samples - a.samples),
  };
  if (project.modality === 'depth') {
    const mm = measures.errorMm;
    return {
      ...base,
      modality: 'depth',
      medianErrorMm: mm.length ? median(mm) : null,
      meanErrorMm: mm.length ? mean(mm) : null,
    };
  }
  const shoulders = shoulderPair(skeleton);
  const { pckh, pckhIgnoringSides } = pckhInImage(skeleton, scored);
  return {
    ...base,
    modality: 'rgb',
    pckh,
    pckhIgnoringSides,
    collapsedShoulders: shoulders ? collapsedPairs(shown, shoulders) : null,
  };
}
