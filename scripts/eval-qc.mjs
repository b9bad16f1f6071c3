// `npm run eval:qc`: the false-flag rate of label QC on labels known to be correct, through the product's own commands:
// the RGB demo's generator ground truth (every label of its labelled set and test split; init → train → qc, so the
// model's prediction takes part in the swap test) and the real LSP and MPII photos of ../shared/fixtures/real (read
// in place; init → import → qc, without a model: 10 and 5 labels are far too few to train one, and the prediction test
// could not be trusted on fewer than 2/α labels anyway). Writes docs/bench/label-qc.json. Needs a build
// (npm run build) and ../shared beside the repository.
// POSELOOP_QC_DEMO=<dir>: use that already trained RGB demo project instead of creating and training one (the
// demo's default training takes 2–25 minutes depending on the machine's load).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './ensure.mjs';
import { poseloop } from './eval/poseloop-cli.mjs';

const fixtures = join(root, '..', 'shared', 'fixtures', 'real');
const out = process.argv[2] ?? join(root, 'docs', 'bench', 'label-qc.json');

/** What the QC report says about a set of correct labels. */
function summary(report, trained) {
  const withKind = (kind) => report.flagged.filter((f) => f.flags.some((flag) => flag.kind === kind)).length;
  return {
    labels: report.checked,
    withoutPrediction: report.withoutPrediction,
    flagged: report.flagged.length,
    falseFlagRate: report.checked ? report.flagged.length / report.checked : null,
    flaggedWithLongLink: withKind('unlikely-link'),
    flaggedAsSwap: withKind('lr-swap'),
    falseAlarm: report.falseAlarm,
    limitZ: report.limitZ,
    swapZ: report.swapZ,
    calibration: report.calibration,
    predictionSwaps: report.predictionSwaps,
    model: trained,
    flags: report.flagged.map((f) => ({
      sampleId: f.sampleId,
      sentences: f.flags.map((flag) => flag.sentence),
    })),
  };
}

function trainedModel(project, checkpointId) {
  return { skeleton: poseloop('info', project).skeleton, checkpointId };
}

if (!existsSync(fixtures)) throw new Error(`no fixtures at ${fixtures}: put ../shared beside the repository`);
const work = mkdtempSync(join(tmpdir(), 'poseloop-eval-qc-'));
const report = { machine: `${process.platform} ${process.arch}`, datasets: {} };
try {
  let demo = process.env.POSELOOP_QC_DEMO;
  if (!demo) {
    demo = join(work, 'demo');
    poseloop('init', demo, '--skeleton', 'mpii16', '--demo');
    const started = Date.now();
    poseloop('train', demo);
    console.log(`demo: trained in ${((Date.now() - started) / 60000).toFixed(1)} min`);
  }
  const demoReport = poseloop('qc', demo, '--split', 'all');
  report.datasets.demo = summary(demoReport, trainedModel(demo, demoReport.checkpointId));

  for (const dataset of [
    { name: 'lsp', skeleton: 'lsp14', format: 'lsp', root: join(fixtures, 'lsp') },
    { name: 'mpii', skeleton: 'mpii16', format: 'mpii', root: join(fixtures, 'mpii') },
  ]) {
    const project = join(work, dataset.name);
    poseloop('init', project, '--skeleton', dataset.skeleton);
    poseloop('import', project, '--format', dataset.format, '--root', dataset.root, '--split', 'train');
    const qc = poseloop('qc', project, '--split', 'all');
    report.datasets[dataset.name] = summary(qc, trainedModel(project, qc.checkpointId));
  }
  for (const [name, result] of Object.entries(report.datasets))
    console.log(
      `${name}: ${result.flagged} of ${result.labels} correct labels flagged (${(100 * result.falseFlagRate).toFixed(1)} %; ${result.flaggedWithLongLink} with a long link, ${result.flaggedAsSwap} as swaps)`,
    );
  report.measuredAt = new Date().toISOString();
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
