// `npm run eval:pretrained`: zero-shot accuracy of the shipped pretrained human-pose model on real photos, through
// the product's own commands (init → import → zero-shot → export): PCKh@0.5 per dataset on the LSP and MPII
// fixtures in ../shared/fixtures/real, and COCO keypoint AP of the exported COCO results scored by pycocotools
// (python from $POSELOOP_PYTHON, else python3; recorded as unavailable without pycocotools). Writes
// docs/bench/pretrained-rgb.json. Needs a build (npm run build) and ../shared beside the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './ensure.mjs';
import { poseloop } from './eval/poseloop-cli.mjs';

const fixtures = join(root, '..', 'shared', 'fixtures', 'real');
const python = process.env.POSELOOP_PYTHON ?? 'python3';
const out = process.argv[2] ?? join(root, 'docs', 'bench', 'pretrained-rgb.json');

if (!existsSync(fixtures)) throw new Error(`no fixtures at ${fixtures}: put ../shared beside the repository`);
const work = mkdtempSync(join(tmpdir(), 'poseloop-eval-pretrained-'));
const datasets = [
  { name: 'lsp', skeleton: 'lsp14', format: 'lsp', root: join(fixtures, 'lsp') },
  { name: 'mpii', skeleton: 'mpii16', format: 'mpii', root: join(fixtures, 'mpii') },
];
const report = { model: null, backend: null, machine: `${process.platform} ${process.arch}`, datasets: {} };
try {
  for (const dataset of datasets) {
    const project = join(work, dataset.name);
    poseloop('init', project, '--skeleton', dataset.skeleton);
    poseloop('import', project, '--format', dataset.format, '--root', dataset.root, '--split', 'test');
    const zeroShot = poseloop('zero-shot', project);
    const gt = join(work, `${dataset.name}-gt.json`);
    const results = join(work, `${dataset.name}-results.json`);
    poseloop('export', project, '--format', 'coco', '--out', gt, '--split', 'all', '--status', 'all');
    poseloop(
      'export',
      project,
      '--format',
      'coco-results',
      '--out',
      results,
      '--split',
      'all',
      '--status',
      'all',
    );
    const scorer = spawnSync(python, [join(root, 'scripts', 'eval', 'coco_keypoint_ap.py'), gt, results], {
      encoding: 'utf8',
    });
    const coco =
      scorer.status === 0
        ? JSON.parse(scorer.stdout)
        : {
            unavailable: `${python} + pycocotools: ${(scorer.stderr || scorer.error?.message || '').trim().split('\n').at(-1)}`,
          };
    report.model = zeroShot.model;
    report.backend = zeroShot.backend;
    report.datasets[dataset.name] = {
      people: zeroShot.evaluated,
      pckh: zeroShot.pckh,
      perJointPckh: zeroShot.perJointPckh,
      derivedJoints: zeroShot.derivedJoints,
      seconds: zeroShot.seconds,
      cocoKeypoints: coco,
    };
    console.log(
      `${dataset.name}: PCKh@0.5 ${zeroShot.pckh?.toFixed(3)} over ${zeroShot.evaluated} people; COCO AP ${coco.AP?.toFixed(3) ?? coco.unavailable}`,
    );
  }
  report.measuredAt = new Date().toISOString();
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
