import { XMLBuilder } from 'fast-xml-parser';
import type { ExportContext, ExportPlan, ExportSample } from '../types';
import { isPlaced, labelledByImage } from './common';
import { LabelFileExport } from './label-file';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });

/**
 * CVAT for images 1.1 XML with a skeleton, as CVAT exports a task with images: `annotations.xml` beside `images/`
 * (label-file.ts). `<meta><task><labels>` declares the skeleton label "person" and its points (labels with
 * `<parent>person</parent>`, in joint order); one `<image id name width height>` per source image (name = its path
 * under `images/`, or without images its path in the dataset) with a `<skeleton label="person">` per person holding
 * every point: absent joints `outside="1"` at 0,0, occluded ones `occluded="1"`. The person box is not written (CVAT
 * skeletons have none; it is recomputed from the joints on import).
 */
export function planCvat(samples: readonly ExportSample[], context: ExportContext): ExportPlan {
  const { skeleton } = context;
  const output = new LabelFileExport(context, 'annotations.xml');
  const skipped: Record<string, number> = {};
  const images: unknown[] = [];
  let written = 0;
  for (const labelled of labelledByImage(samples, skipped)) {
    written += labelled.length;
    const first = labelled[0]!;
    images.push({
      '@_id': images.length,
      '@_name': output.imageName(first),
      '@_width': first.width,
      '@_height': first.height,
      skeleton: labelled.map((sample) => ({
        '@_label': 'person',
        '@_source': 'manual',
        '@_occluded': 0,
        '@_z_order': 0,
        points: sample.joints.map((joint, j) => ({
          '@_label': skeleton.joints[j],
          '@_source': 'manual',
          '@_outside': isPlaced(joint) ? 0 : 1,
          '@_occluded': joint.visibility === 'occluded' ? 1 : 0,
          '@_points': isPlaced(joint) ? `${round(joint.u)},${round(joint.v)}` : '0.00,0.00',
          '@_z_order': 0,
        })),
      })),
    });
  }
  const labels = [
    { name: 'person', type: 'skeleton', attributes: '' },
    ...skeleton.joints.map((name) => ({ name, type: 'points', parent: 'person', attributes: '' })),
  ];
  const xml = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    annotations: {
      version: '1.1',
      meta: {
        task: {
          name: context.project.name,
          size: images.length,
          mode: 'annotation',
          created: context.createdAt,
          labels: { label: labels },
        },
        dumped: context.createdAt,
      },
      image: images,
    },
  }) as string;
  return output.plan(xml, {
    samples: written,
    skipped,
    notes: ['CVAT skeletons carry no person box: it is recomputed from the joints on import'],
  });
}

/** CVAT writes two decimals; four keep a round trip within 0.0001 px. */
function round(value: number): string {
  return value.toFixed(4);
}
