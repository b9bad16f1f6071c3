import { skeletonLinks } from '@shared/skeletons';
import { stringify } from 'yaml';
import type { ExportContext, ExportPlan, ExportSample, PlannedImage } from '../types';
import { ImagePaths, addSkip, datasetFolder, isPlaced } from './common';
import { csvCell } from './csv';

/**
 * A DeepLabCut project skeleton (formats.md §4.2): `config.yaml` (Task, scorer, bodyparts, skeleton as name pairs,
 * iteration 0, one `video_sets` entry per dataset) and, per dataset, `labeled-data/<dataset folder>/` with the
 * images (copied as they are, sub-folders flattened into the name) and `CollectedData_<scorer>.csv` with the
 * 3-row header and the 3-column index. DeepLabCut has no occlusion flag: occluded joints are written as labelled
 * points (their visibility is lost); absent joints are empty cells. Run `deeplabcut.convertcsv2h5(config,
 * scorer=<scorer>)` to make the .h5 files its training reads.
 */
export function planDlc(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const scorer = context.scorer ?? 'poseloop';
  const { skeleton } = context;
  const paths = new ImagePaths(context.datasets, true);
  const skipped: Record<string, number> = {};
  const byVideo = new Map<string, { rows: string[]; width: number; height: number }>();
  const images: PlannedImage[] = [];
  for (const sample of samples) {
    if (!sample.joints) {
      addSkip(skipped, 'unlabelled');
      continue;
    }
    const dataset = context.datasets.get(sample.datasetId) ?? { id: sample.datasetId, name: 'data' };
    const video = datasetFolder(dataset);
    const name = paths
      .pathOf(sample)
      .slice(video.length + 1)
      .replace(/\//g, '_');
    const path = `labeled-data/${video}/${name}`;
    images.push({ sample, path });
    const cells = sample.joints.flatMap((joint) => (isPlaced(joint) ? [joint.u, joint.v] : [null, null]));
    const entry = byVideo.get(video) ?? { rows: [], width: sample.width, height: sample.height };
    entry.rows.push(['labeled-data', video, name, ...cells].map(csvCell).join(','));
    byVideo.set(video, entry);
  }
  const header = [
    ['scorer', '', '', ...skeleton.joints.flatMap(() => [scorer, scorer])],
    ['bodyparts', '', '', ...skeleton.joints.flatMap((name) => [name, name])],
    ['coords', '', '', ...skeleton.joints.flatMap(() => ['x', 'y'])],
  ].map((row) => row.map(csvCell).join(','));
  const files = [...byVideo].map(([video, { rows }]) => ({
    path: `labeled-data/${video}/CollectedData_${scorer}.csv`,
    text: `${[...header, ...rows].join('\n')}\n`,
  }));
  const config = {
    Task: context.project.name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'poseloop',
    scorer,
    date: context.createdAt.slice(0, 10),
    multianimalproject: false,
    identity: null,
    project_path: '',
    video_sets: Object.fromEntries(
      [...byVideo].map(([video, { width, height }]) => [
        `videos/${video}.mp4`,
        { crop: `0, ${width}, 0, ${height}` },
      ]),
    ),
    bodyparts: [...skeleton.joints],
    skeleton: skeletonLinks(skeleton).map(([a, b]) => [skeleton.joints[a], skeleton.joints[b]]),
    start: 0,
    stop: 1,
    numframes2pick: 20,
    iteration: 0,
    TrainingFraction: [0.95],
    default_net_type: 'resnet_50',
    snapshotindex: -1,
    batch_size: 8,
  };
  return {
    kind: 'folder',
    files: [{ path: 'config.yaml', text: stringify(config) }, ...files],
    images,
    samples: images.length,
    skipped,
    notes: [
      `DeepLabCut has no occlusion flag: occluded joints are written as labelled points`,
      `set project_path in config.yaml to this folder, then run deeplabcut.convertcsv2h5(config, scorer="${scorer}")`,
      'video_sets name one placeholder video per dataset folder (the frames are the images in labeled-data/)',
    ],
  };
}
