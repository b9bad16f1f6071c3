import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentFile, ExperimentSummary, OpOutput } from '@shared/contract';
import { formatMetric, reportTables, summarise } from '@shared/experiments';
import { writeFileAtomic } from '../fs/atomic';
import { learningCurvesSvg } from './curves-svg';
import type { HandlerGroup } from './context';
import type { AppDeps } from './deps';
import { readExperimentFile } from './simulate-setup';

const RECOMMENDATION = join('experiments', 'recommendation.json');

function runTime(timing: Record<string, number>): string {
  const seconds = Object.values(timing).reduce((s, x) => s + x, 0);
  const cells = Object.keys(timing).length;
  return cells
    ? `\nRun time: ${(seconds / 3600).toFixed(2)} h of training and inference, summed over ${cells} (trial, sampler, stage) cells (a trial's shared first stage counts once; cells run at once with --jobs overlap in wall time).\n`
    : '';
}

/** The run's settings as the line of flags that reproduces it (besides the project and --out). */
function settingsLine(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .filter(([, v]) => v !== null && v !== false)
    .map(
      ([k, v]) =>
        `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${v === true ? '' : ` ${Array.isArray(v) ? v.join(',') : String(v)}`}`,
    )
    .join(' ');
}

/**
 * A report folder from a results file: tables.md (curves ± 95 % CI, paired gaps to random, simulated cost,
 * recommendation), curves.svg and gaps.svg (mean with its 95 % CI band), results.csv, summary.json, and with
 * `copyResults` the results.json itself, so the tables can be regenerated from what is committed.
 */
export async function writeReport(
  dir: string,
  file: ExperimentFile,
  options: {
    target?: number | undefined;
    timing?: Record<string, number>;
    copyResults?: boolean;
  },
): Promise<{ files: string[]; summary: ExperimentSummary }> {
  const out = resolve(dir);
  const summary = summarise(file, options.target);
  const { metric } = file;
  const pckh = metric === 'test_pckh';
  const y = pckh ? 'PCKh@0.5 on the test split (%)' : 'mean 3-D joint error (mm)';
  const scale = (v: number) => Number(formatMetric(metric, v));
  const band = (p: { labelled: number; mean: number; low: number | null; high: number | null }) => ({
    x: p.labelled,
    mean: scale(p.mean),
    low: scale(p.low ?? p.mean),
    high: scale(p.high ?? p.mean),
  });
  const curves = learningCurvesSvg(
    Object.entries(summary.curves).map(([name, points]) => ({ name, points: points.map(band) })),
    {
      title: `${file.project}: ${pckh ? 'PCKh' : 'test error'} vs labels (${summary.trials} trials, mean ± 95 % CI)`,
      x: 'labelled samples',
      y,
    },
  );
  const gaps = learningCurvesSvg(
    Object.entries(summary.gaps).map(([name, points]) => ({ name, points: points.map(band) })),
    {
      title: `${file.project}: gap to random (paired, mean ± 95 % CI)`,
      x: 'labelled samples',
      y: `sampler − random, ${pckh ? 'PCKh points' : 'mm'}`,
      zero: true,
    },
  );
  const csv = [
    `sampler,trial,round,labelled,${metric},picks,kept_joints,moved_joints`,
    ...file.results.map((r) =>
      [
        r.sampler,
        r.trial,
        r.round,
        r.labelled,
        r.value,
        r.picks.length,
        r.cost?.kept ?? '',
        r.cost?.moved ?? '',
      ].join(','),
    ),
  ].join('\n');
  const markdown = [
    `# ${file.project}`,
    '',
    `Settings: \`${settingsLine(file.settings)}\`; ${file.data.universe} samples to draw from, ${file.data.test} test samples.`,
    runTime(options.timing ?? {}),
    '![learning curves](curves.svg)',
    '',
    '![gap to random](gaps.svg)',
    '',
    reportTables(summary),
  ].join('\n');
  const written: [string, string][] = [
    ['tables.md', markdown],
    ['curves.svg', curves],
    ['gaps.svg', gaps],
    ['results.csv', `${csv}\n`],
    ['summary.json', `${JSON.stringify(summary, null, 1)}\n`],
    ...(options.copyResults
      ? ([
          ['results.json', `${JSON.stringify(file, null, 1)}\n`],
          ...(options.timing && Object.keys(options.timing).length > 0
            ? [['run-time.json', `${JSON.stringify(options.timing, null, 1)}\n`]]
            : []),
        ] as [string, string][])
      : []),
  ];
  for (const [name, text] of written) await writeFileAtomic(join(out, name), text);
  return { files: written.map(([name]) => join(out, name)), summary };
}

/** Kept in the project so the Rounds view shows the latest recommendation after a restart. */
export async function writeRecommendation(
  projectDir: string,
  out: string,
  labelled: number,
  summary: ExperimentSummary,
) {
  const record = { at: new Date().toISOString(), out, labelled, summary };
  await writeFileAtomic(join(projectDir, RECOMMENDATION), `${JSON.stringify(record, null, 1)}\n`);
}

/** `experiment.report` (tables and plots from a results file) and `experiment.recommendation` (the latest one). */
export function experimentHandlers(
  deps: AppDeps,
): HandlerGroup<'experiment.report' | 'experiment.recommendation'> {
  return {
    'experiment.report': async (input) => {
      const path = resolve(input.results);
      const file = readExperimentFile(path);
      const timing = readTimingBeside(path);
      return writeReport(input.out, file, {
        target: input.target,
        timing,
        copyResults: resolve(input.out) !== resolve(path, '..'),
      }).then(({ files, summary }) => ({ ...summary, files }));
    },
    'experiment.recommendation': (input) => {
      const { dir } = deps.projects.get(input.project);
      try {
        return JSON.parse(
          readFileSync(join(dir, RECOMMENDATION), 'utf8'),
        ) as OpOutput<'experiment.recommendation'>;
      } catch {
        return null;
      }
    },
  };
}

function readTimingBeside(resultsPath: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(join(resolve(resultsPath, '..'), 'run-time.json'), 'utf8')) as Record<
      string,
      number
    >;
  } catch {
    return {};
  }
}
