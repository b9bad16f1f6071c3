import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePng } from '../unit/datasets/rgb-fixtures';

/**
 * A DeepLabCut project of a mouse, written as DeepLabCut lays one out (formats.md §4.2): config.yaml with its own
 * bodyparts and skeleton, human labels (CollectedData_Ann.csv, 3-column index) on img0 and img1 (img1's tailbase
 * unlabelled), and a refinement round's machine labels (machinelabels-iter0.csv, with likelihoods) on img0 (one
 * pixel off the human label) and img2 (a mouse nobody labelled).
 */
export const PARTS = ['snout', 'left_ear', 'right_ear', 'tailbase'];
export const LINKS = [
  ['snout', 'left_ear'],
  ['snout', 'right_ear'],
  ['left_ear', 'tailbase'],
];
/** Bodypart k of the mouse on image i. */
export const at = (i: number, k: number) => [10 + 5 * k + i, 8 + 3 * k] as const;

async function put(path: string, text: string) {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

export async function writeDlcMouse(root: string, parts = PARTS): Promise<void> {
  const yaml = [
    'Task: mouse',
    'scorer: Ann',
    'bodyparts:',
    ...parts.map((p) => `- ${p}`),
    'skeleton:',
    ...LINKS.map(([a, b]) => `- - ${a}\n  - ${b}`),
    '',
  ].join('\n');
  await put(join(root, 'config.yaml'), yaml);
  const header = (scorer: string, coords: string[]) =>
    [
      ['scorer', '', '', ...parts.flatMap(() => coords.map(() => scorer))],
      ['bodyparts', '', '', ...parts.flatMap((p) => coords.map(() => p))],
      ['coords', '', '', ...parts.flatMap(() => coords)],
    ].map((row) => row.join(','));
  const row = (i: number, extra: (k: number) => string[] = () => []) =>
    [
      'labeled-data',
      'cage',
      `img${i}.png`,
      ...parts.flatMap((_, k) => [...at(i, k).map(String), ...extra(k)]),
    ].join(',');
  // Human labels on img0 and img1 (tailbase of img1 not labelled).
  const human = [...header('Ann', ['x', 'y']), row(0), row(1).replace(/,\d+,\d+$/, ',,')];
  await put(join(root, 'labeled-data/cage/CollectedData_Ann.csv'), `${human.join('\n')}\n`);
  // Machine labels: img0 one pixel off (a suggestion for the labelled mouse), img2 a mouse nobody labelled.
  const machine = [
    ...header('DLC_resnet50', ['x', 'y', 'likelihood']),
    [
      'labeled-data',
      'cage',
      'img0.png',
      ...parts.flatMap((_, k) => [at(0, k)[0] + 1, at(0, k)[1], 0.9 - k / 10]),
    ].join(','),
    row(2, () => ['0.5']),
  ];
  await put(join(root, 'labeled-data/cage/machinelabels-iter0.csv'), `${machine.join('\n')}\n`);
  for (const i of [0, 1, 2]) await writePng(join(root, `labeled-data/cage/img${i}.png`), 64, 48);
}
