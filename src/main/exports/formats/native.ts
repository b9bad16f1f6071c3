import { CAMERA_PRESETS, uvdToXyz } from '@shared/camera';
import { AppError } from '@shared/errors';
import { BIGHAND21, ICVL16, jointIndexMap, type SkeletonLayout } from '@shared/skeletons';
import type { Joint } from '@shared/domain';
import type { ExportContext, ExportPlan, ExportSample, PlannedImage } from '../types';
import { addSkip, ImagePaths, isPlaced, provenanceOf, toLayout } from './common';

/** Numbers as JS writes them: the shortest text that reads back to the same double. */
const num = (value: number): string => String(value);

/**
 * The per-sample provenance of a folder export (`provenance.json`), with each joint's visibility and state: the
 * native label formats have no place for them.
 */
export function provenanceFile(
  written: readonly { sample: ExportSample; path: string }[],
  context: ExportContext,
): string {
  return JSON.stringify({
    format: 'poseloop-provenance',
    version: 1,
    skeleton: { id: context.skeleton.id, joints: [...context.skeleton.joints] },
    samples: written.map(({ sample, path }) => ({
      sampleId: sample.sampleId,
      image: path,
      joints: sample.joints?.map((joint) => ({ visibility: joint.visibility, state: joint.state })) ?? null,
      provenance: provenanceOf(sample, context),
    })),
  });
}

interface NativeSample {
  sample: ExportSample;
  path: string;
  joints: Joint[];
}

/**
 * The samples a native format can hold: labelled, mapped into the format's layout, every joint placed (ICVL and
 * BigHand lines have no way to say "absent").
 */
function nativeSamples(
  samples: readonly ExportSample[],
  context: ExportContext,
  layout: SkeletonLayout,
  skipped: Record<string, number>,
): NativeSample[] {
  if (context.skeleton.id !== layout.id && (!context.skeleton.toCanonical || !layout.toCanonical)) {
    throw new AppError(
      'unsupported',
      `${context.format} labels are in the ${layout.id} layout; this project's ${context.skeleton.id} skeleton cannot be mapped to it`,
      'format',
    );
  }
  const paths = new ImagePaths(context.datasets);
  const result: NativeSample[] = [];
  for (const sample of samples) {
    if (!sample.joints) {
      addSkip(skipped, 'unlabelled');
      continue;
    }
    const joints = toLayout(sample.joints, context.skeleton, layout);
    if (!joints.every((joint) => isPlaced(joint) && joint.d !== null && joint.d > 0)) {
      addSkip(skipped, 'absent-joints');
      continue;
    }
    result.push({ sample, path: paths.pathOf(sample), joints });
  }
  if (result.length === 0 && samples.length > 0) {
    const map = context.skeleton.id === layout.id ? null : jointIndexMap(context.skeleton, layout);
    const missing = layout.joints.filter((_, j) => map !== null && map[j] === null);
    throw new AppError(
      'invalid_input',
      `none of the ${samples.length} samples can be written as ${context.format}: its lines need all ` +
        `${layout.joints.length} ${layout.id} joints placed` +
        (missing.length
          ? `, and this project's ${context.skeleton.id} skeleton has no ${missing.join(', ')}`
          : ''),
      'format',
    );
  }
  return result;
}

/**
 * ICVL (formats.md §4.5), the flattened DeepPrior++ layout the ICVL importer reads: `train.txt` (train and pool
 * samples) and `test_seq_1.txt` (test samples), lines `<path> u1 v1 d1 … u16 v16 d16` in ICVL16 order, images under
 * `Depth/<path>`. Paths start with the dataset folder (longer than 6 characters, so they read as original frames).
 */
export function planIcvl(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const skipped: Record<string, number> = {};
  const written = nativeSamples(samples, context, ICVL16, skipped);
  const line = ({ path, joints }: NativeSample) =>
    [path, ...joints.flatMap((joint) => [num(joint.u!), num(joint.v!), num(joint.d!)])].join(' ');
  const train = written.filter((entry) => entry.sample.split !== 'test');
  const test = written.filter((entry) => entry.sample.split === 'test');
  const files = [
    ...(train.length ? [{ path: 'train.txt', text: train.map((entry) => `${line(entry)}\n`).join('') }] : []),
    ...(test.length
      ? [{ path: 'test_seq_1.txt', text: test.map((entry) => `${line(entry)}\n`).join('') }]
      : []),
    { path: 'provenance.json', text: provenanceFile(written, context) },
  ];
  const images: PlannedImage[] = written.map(({ sample, path }) => ({ sample, path: `Depth/${path}` }));
  return {
    kind: 'folder',
    files,
    images,
    samples: written.length,
    skipped,
    notes: ['ICVL lines hold no visibility: provenance.json keeps each joint’s visibility and state'],
  };
}

/**
 * BigHand2.2M (formats.md §4.8): `Training_Annotation.txt`, lines `<path>\tx1\ty1\tz1…` (21 joints, BIGHAND21 order,
 * mm, y down) with the images under `images/<path>`. The format implies the SR300 camera: x, y are written through
 * the SR300 intrinsics so that the projection every BigHand reader applies lands on the annotated pixel (z = d is
 * exact). For data from another camera they are therefore not that camera's metric x, y (use json3d for those).
 * BigHand has no test annotation file: test samples are written with the rest.
 */
export function planBigHand(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const skipped: Record<string, number> = {};
  const written = nativeSamples(samples, context, BIGHAND21, skipped);
  const camera = CAMERA_PRESETS.bighand.intrinsics;
  const lines = written.map(({ path, joints }) => {
    const xyz = uvdToXyz(
      camera,
      joints.flatMap((joint) => [joint.u!, joint.v!, joint.d!]),
    );
    return `${[path, ...Array.from(xyz, num)].join('\t')}\n`;
  });
  const foreign = [...new Set(written.map((entry) => entry.sample.datasetId))]
    .map((id) => context.datasets.get(id))
    .filter((dataset) => dataset?.intrinsics && !sameCamera(dataset.intrinsics, camera));
  return {
    kind: 'folder',
    files: [
      { path: 'Training_Annotation.txt', text: lines.join('') },
      { path: 'provenance.json', text: provenanceFile(written, context) },
    ],
    images: written.map(({ sample, path }) => ({ sample, path: `images/${path}` })),
    samples: written.length,
    skipped,
    notes: [
      'BigHand xyz are written through the SR300 intrinsics (fx 475.065948, fy 475.065857, cx 315.944855, cy 245.287079) so that they project onto the annotated pixels',
      ...(foreign.length
        ? [
            `datasets ${foreign.map((d) => d!.name).join(', ')} come from another camera: their x, y here are not metric (json3d has the metric ones)`,
          ]
        : []),
      'BigHand lines hold no visibility: provenance.json keeps each joint’s visibility and state',
    ],
  };
}

function sameCamera(
  a: { fx: number; fy: number; cx: number; cy: number },
  b: { fx: number; fy: number; cx: number; cy: number },
): boolean {
  return a.fx === b.fx && a.fy === b.fy && a.cx === b.cx && a.cy === b.cy;
}
