import { skeletonLinks } from '@shared/skeletons';
import type { Hdf5Column, Hdf5Dtype } from '@shared/hdf5';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { isPlaced, labelledByImage, meanConfidence, predictedPoints, sourcePath } from './common';

/** The .slp format version written: pixel centres at integer coordinates (formats.md §4.3). */
const FORMAT_ID = 1.2;

/**
 * SLEAP `.slp` (HDF5, formats.md §4.3), as read by `sleap.load_file`: `metadata` attrs `format_id` and `json`
 * (nodes, one skeleton whose nodes and links index them), one ImageVideo in `videos_json` listing every source
 * image (absolute paths; frame i = image i), `frames`, `instances` (user instances, then a predicted instance for
 * each sample with a prediction, `score` = its mean joint confidence), `points` and `pred_points`. Absent joints
 * are NaN; occluded ones keep their position with `visible` false.
 */
export function planSleap(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const { skeleton } = context;
  const skipped: Record<string, number> = {};
  const filenames: string[] = [];
  const frames = rows(
    ['frame_id', '<Q'],
    ['video', '<I'],
    ['frame_idx', '<Q'],
    ['instance_id_start', '<Q'],
    ['instance_id_end', '<Q'],
  );
  const instances = rows(
    ['instance_id', '<q'],
    ['instance_type', '<B'],
    ['frame_id', '<Q'],
    ['skeleton', '<I'],
    ['track', '<i'],
    ['from_predicted', '<q'],
    ['score', '<f'],
    ['point_id_start', '<Q'],
    ['point_id_end', '<Q'],
    ['tracking_score', '<f'],
  );
  const points = rows(['x', '<d'], ['y', '<d'], ['visible', '<b'], ['complete', '<b']);
  const predPoints = rows(['x', '<d'], ['y', '<d'], ['visible', '<b'], ['complete', '<b'], ['score', '<d']);
  let written = 0;
  for (const labelled of labelledByImage(samples, skipped)) {
    const frameId = frames.length();
    const start = instances.length();
    filenames.push(sourcePath(labelled[0]!, context));
    for (const sample of labelled) {
      const first = points.length();
      for (const joint of sample.joints) {
        const placed = isPlaced(joint);
        points.add(placed ? joint.u : NaN, placed ? joint.v : NaN, joint.visibility === 'visible' ? 1 : 0, 1);
      }
      instances.add(instances.length(), 0, frameId, 0, -1, -1, NaN, first, points.length(), NaN);
      written++;
    }
    for (const sample of labelled) {
      const predicted = predictedPoints(sample);
      if (!predicted) continue;
      const first = predPoints.length();
      for (const point of predicted)
        predPoints.add(point?.u ?? NaN, point?.v ?? NaN, point ? 1 : 0, 0, point?.confidence ?? 0);
      const score = meanConfidence(predicted);
      instances.add(instances.length(), 1, frameId, 0, -1, -1, score, first, predPoints.length(), 0);
    }
    frames.add(frameId, 0, filenames.length - 1, start, instances.length());
  }
  const nodes = skeleton.joints.map((name) => ({ name, weight: 1.0 }));
  const metadata = {
    version: '2.0.0',
    skeletons: [
      {
        directed: true,
        graph: { name: skeleton.id, num_edges_inserted: skeletonLinks(skeleton).length },
        links: skeletonLinks(skeleton).map(([source, target], key) => ({
          edge_insert_idx: key,
          key: 0,
          source,
          target,
          type: { 'py/reduce': [{ 'py/type': 'sleap.skeleton.EdgeType' }, { 'py/tuple': [1] }] },
        })),
        multigraph: true,
        nodes: nodes.map((_, id) => ({ id })),
      },
    ],
    nodes,
    videos: [],
    tracks: [],
    suggestions: [],
    negative_anchors: {},
    provenance: { source: 'PoseLoop', project: context.project.name, exported: context.createdAt },
  };
  const video = {
    backend: {
      filenames,
      height_: samples[0]?.height ?? 0,
      width_: samples[0]?.width ?? 0,
      grayscale: false,
    },
  };
  return {
    kind: 'file',
    files: [
      {
        path: '',
        hdf5: {
          groups: { metadata: { format_id: FORMAT_ID, json: JSON.stringify(metadata) } },
          datasets: {
            videos_json: { kind: 'strings', values: [JSON.stringify(video)] },
            tracks_json: { kind: 'strings', values: [] },
            suggestions_json: { kind: 'strings', values: [] },
            frames: frames.dataset(),
            instances: instances.dataset(),
            points: points.dataset(),
            pred_points: predPoints.dataset(),
          },
        },
      },
    ],
    images: [],
    samples: written,
    skipped,
    notes: ['one ImageVideo lists the source images by absolute path; predictions are predicted instances'],
  };
}

/** A compound table built row by row. */
function rows(...columns: [string, Hdf5Dtype][]) {
  const values = columns.map((): number[] => []);
  return {
    add: (...row: number[]) => row.forEach((value, c) => values[c]!.push(value)),
    length: () => values[0]!.length,
    dataset: () => ({
      kind: 'table' as const,
      columns: columns.map(([name, dtype], c): Hdf5Column => ({ name, dtype, values: values[c]! })),
    }),
  };
}
