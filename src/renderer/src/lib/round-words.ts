/**
 * A round written for people: stage times, metrics and annotation cost as short phrases, never raw field names.
 * Pure (no DOM); test/unit/renderer/round-words.test.ts checks the exact wording.
 */
import type { CostTally, QueueItem, RoundDetail, RoundSummary } from '@shared/contract';

/** Samplers a new round starts with: VL4Pose for people (RGB), CKE for depth hands (the paper's best). */
export const DEFAULT_SAMPLER = { rgb: 'vl4pose', depth: 'cke' } as const;
/**
 * The budget a new round starts with. Stated once here; the CLI's `round --budget` default lives in the contract
 * and should be the same number.
 */
export const DEFAULT_BUDGET = 20;

export function seconds(s: number): string {
  return s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
}

const STAGE_WORDS: Record<string, string> = {
  train: 'training took',
  infer: 'scoring the pool took',
  rank: 'ranking took',
};

/** Known metrics in words; an unknown one is spelt out from its camelCase name. */
const METRIC_WORDS: Record<string, (v: number) => string> = {
  testErrorMm: (v) => `test error ${v.toFixed(1)} mm`,
  meanPoseErrorMm: (v) => `${v.toFixed(1)} mm for always guessing the mean pose`,
  testPckh: (v) => `test PCKh@0.5 ${(v * 100).toFixed(1)} %`,
  meanPosePckh: (v) => `${(v * 100).toFixed(1)} % for always guessing the mean pose`,
  testPckhIgnoringSides: (v) => `${(v * 100).toFixed(1)} % if left and right were not told apart`,
  trainSamplesPerSecond: (v) => `${v.toFixed(1)} training images per second`,
  trainWorkers: (v) => `on ${v} training thread${v === 1 ? '' : 's'}`,
  loss: (v) => `loss ${v.toFixed(4)}`,
  epoch: (v) => `epoch ${v}`,
  step: (v) => `step ${v}`,
};

export function metricPhrase(name: string, value: number): string {
  const known = METRIC_WORDS[name];
  if (known) return known(value);
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words} ${Number.isInteger(value) ? value : value.toFixed(3)}`;
}

/** "Round 3 (cke, M = 20, η = 0.3, preset auto) queued 20 images. Training took 42 s, … Test error 46.1 mm, …" */
export function roundSummary(round: RoundDetail): string {
  const config = round.config as { mc?: number; eta?: number; preset?: string };
  const how =
    config.mc === undefined
      ? round.sampler
      : `${round.sampler}, ${config.mc} MC passes, η = ${config.eta}, preset ${config.preset}`;
  const parts = [
    `Round ${round.number} (${how}) queued ${round.queued} image${round.queued === 1 ? '' : 's'}.`,
  ];
  const stages = Object.entries(round.stageSeconds).map(
    ([stage, s]) => `${STAGE_WORDS[stage] ?? `${stage} took`} ${seconds(s)}`,
  );
  if (stages.length) parts.push(sentence(stages));
  const metrics = Object.entries(round.metrics)
    .filter((e): e is [string, number] => e[1] !== null && !QUALITY_KEYS.has(e[0]))
    .map(([name, value]) => metricPhrase(name, value));
  if (metrics.length) parts.push(sentence(metrics));
  const quality = qualitySentence(round);
  if (quality) parts.push(quality);
  return parts.join(' ');
}

/** Metrics the quality sentence words together (see `qualitySentence`). */
const QUALITY_KEYS = new Set([
  'valMedianErrorMm',
  'valMedianErrorPx',
  'valWithin10Px',
  'sigmaScale',
  'sigmaCoverage1',
  'sigmaCoverage2',
]);

const percent = (v: number) => `${Math.round(v * 100)} %`;

/** "Suggestions on the validation split: median 12.3 mm, 5.1 px · 48 % within 10 px; σ calibrated ×3.10: …" */
function qualitySentence(round: RoundDetail): string | null {
  if (!round.suggestions) return null;
  const { sigmaScale: scale, sigmaCoverage1: one, sigmaCoverage2: two } = round.metrics;
  const rings =
    typeof scale === 'number' && typeof one === 'number' && typeof two === 'number'
      ? `; σ calibrated ×${scale.toFixed(2)}: the 1σ ring holds ${percent(one)} of true joints, 2σ ${percent(two)}`
      : '';
  return `Suggestions on the validation split: ${suggestionsLine(round.suggestions)}${rings}.`;
}

/** A round's suggestion quality on the validation split: "median 12.3 mm, 5.1 px · 48 % within 10 px" or "–". */
export function suggestionsLine(quality: RoundSummary['suggestions']): string {
  if (!quality) return '–';
  const mm = quality.medianErrorMm === null ? '' : `${quality.medianErrorMm.toFixed(1)} mm, `;
  return `median ${mm}${quality.medianErrorPx.toFixed(1)} px · ${percent(quality.within10Px)} within 10 px`;
}

/** Joints of a cost tally in words: "12 accepted, 5 moved (mean 7.5 px), 0 placed by hand, 3 left as predicted". */
export function jointsPhrase(cost: CostTally): string {
  const { accepted, moved, created, predicted } = cost.joints;
  const far = cost.meanMovedPx === null ? '' : ` (mean ${cost.meanMovedPx.toFixed(1)} px)`;
  return `${accepted} accepted, ${moved} moved${far}, ${created} placed by hand, ${predicted} left as predicted`;
}

const sentence = (phrases: string[]) => {
  const text = phrases.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
};

/**
 * A queue reason split around its nearest centre ("labelled #56", "picked candidate #3"), named by the sample id
 * the server resolved, so the view can link it; null when the reason names none.
 */
export function reasonParts(
  item: Pick<QueueItem, 'reason' | 'reasonDetail'>,
): { before: string; ref: string; after: string; sampleId: number } | null {
  const sampleId = item.reasonDetail.nearestSampleId;
  const match = /(labelled|picked candidate) #\d+/.exec(item.reason);
  if (typeof sampleId !== 'number' || !match) return null;
  return {
    before: item.reason.slice(0, match.index),
    ref: `${match[1] === 'labelled' ? 'labelled' : 'picked'} sample ${sampleId}`,
    after: item.reason.slice(match.index + match[0].length),
    sampleId,
  };
}
