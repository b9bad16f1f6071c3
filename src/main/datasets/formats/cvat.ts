import { XMLParser } from 'fast-xml-parser';
import type { ForeignInstance, ForeignPoint } from './instances';

/**
 * CVAT for images 1.1 XML with skeletons: `<meta><task><labels>` declares the skeleton label and, as labels with a
 * `<parent>`, its points in order; each `<image name width height>` holds `<skeleton label>` elements whose
 * `<points label outside occluded points="x,y">` children are the keypoints. `outside="1"` = not labelled,
 * `occluded="1"` = labelled but hidden.
 */
const ARRAYS = new Set(['image', 'skeleton', 'points', 'label']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ARRAYS.has(name),
});

interface CvatPoint {
  label?: string;
  outside?: string;
  occluded?: string;
  points?: string;
}
interface CvatImage {
  name?: string;
  width?: string;
  height?: string;
  skeleton?: { label?: string; points?: CvatPoint[] }[];
}
interface CvatLabel {
  name?: string;
  type?: string;
  parent?: string;
}

export interface CvatFile {
  names: string[];
  instances: ForeignInstance[];
}

/** Parses the XML; instance images are the `name` attributes as written (the importer finds their folder). */
export function parseCvatXml(text: string, file: string): CvatFile {
  let doc: { annotations?: { meta?: unknown; image?: CvatImage[] } };
  try {
    doc = parser.parse(text, true) as typeof doc;
  } catch (error) {
    const message =
      typeof error === 'object' && error !== null && 'err' in error ? JSON.stringify(error) : String(error);
    throw new Error(`${file}: not well-formed XML (${message})`, { cause: error });
  }
  if (!doc.annotations) throw new Error(`${file}: no <annotations> root (not a CVAT for images 1.1 file)`);
  const images = doc.annotations.image ?? [];
  const names = skeletonNames(doc.annotations.meta, images);
  if (names.length === 0)
    throw new Error(`${file}: no <skeleton> label or element (CVAT skeletons are needed)`);
  const instances: ForeignInstance[] = [];
  images.forEach((image, i) => {
    const where = `image[${i}] (${image.name ?? 'no name'})`;
    if (!image.name) throw new Error(`${file}: ${where} has no name attribute`);
    const width = Number(image.width);
    const height = Number(image.height);
    const size = width > 0 && height > 0 ? { size: { width, height } } : {};
    const path = image.name;
    for (const skeleton of image.skeleton ?? []) {
      const points: (ForeignPoint | null)[] = names.map(() => null);
      for (const point of skeleton.points ?? []) {
        const k = names.indexOf(point.label ?? '');
        if (k < 0 || point.outside === '1') continue;
        const [x, y] = (point.points ?? '').split(',').map(Number);
        if (!Number.isFinite(x) || !Number.isFinite(y))
          throw new Error(
            `${file}: ${where}: point "${point.label}" has points="${point.points}", not "x,y"`,
          );
        points[k] = { x: x!, y: y!, visibility: point.occluded === '1' ? 'occluded' : 'visible' };
      }
      instances.push({ image: path, points, ...size, file, where });
    }
    if (!image.skeleton?.length)
      instances.push({ image: path, points: names.map(() => null), ...size, file, where });
  });
  return { names, instances };
}

/** Point names in the meta's order (labels whose parent is the skeleton), else in the first skeleton's order. */
function skeletonNames(meta: unknown, images: readonly CvatImage[]): string[] {
  const labels = findLabels(meta);
  const skeleton = labels.find((label) => label.type === 'skeleton');
  if (skeleton) {
    const children = labels
      .filter((label) => label.parent === skeleton.name)
      .map((label) => label.name ?? '');
    if (children.length > 0) return children;
  }
  const first = images.flatMap((image) => image.skeleton ?? [])[0];
  return (first?.points ?? []).map((point) => point.label ?? '');
}

/** `<labels>` sits under `<task>` or `<project>` (and sometimes `<job>`), depending on what was exported. */
function findLabels(node: unknown): CvatLabel[] {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const labels = record.labels as { label?: CvatLabel[] } | undefined;
  if (labels?.label) return labels.label;
  return Object.values(record).flatMap(findLabels);
}
