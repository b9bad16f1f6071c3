import type { ForeignInstance, ForeignPoint } from './instances';

/**
 * SLEAP `.slp` (formats.md §4.3), the tables read from the HDF5 file: `metadata` attrs `json` (skeletons and nodes)
 * and `format_id`, `videos_json` (one JSON per video), `frames`, `instances`, `points` (user) and `pred_points`
 * (predicted). Instance type 0 = user, 1 = predicted (kept apart: predictions are never labels). A point with
 * `visible` false but a position is labelled and hidden (occluded); NaN coordinates = not labelled. Files before
 * format 1.1 put (0, 0) at the top-left pixel's corner: shifted by −0.5 px to pixel centres like later ones.
 */
export interface SlpTables {
  metadata: string;
  formatId: number;
  videos: string[];
  frames: Record<string, number>[];
  instances: Record<string, number>[];
  points: Record<string, number>[];
  predPoints: Record<string, number>[];
}

/**
 * Where a video's frames come from: image files (ImageVideo / filenames), a media file to decode, or encoded images
 * embedded in the .slp itself (a `.pkg.slp`: HDF5Video with filename "." and its dataset, e.g. `video0/video`).
 */
export type SlpVideo =
  | { kind: 'images'; filenames: string[] }
  | { kind: 'media'; filename: string }
  | { kind: 'embedded'; dataset: string };

export interface SlpLabels {
  names: string[];
  /** The skeleton's edges by node name (symmetries are not edges). */
  links: [string, string][];
  videos: SlpVideo[];
  /** Instances whose `image` is `video<i>/<frame index>` until the importer resolves the frame to a file. */
  instances: (ForeignInstance & { video: number; frame: number })[];
}

type NodeRef = number | { 'py/id'?: number };

interface Metadata {
  nodes?: { name?: string }[];
  skeletons?: {
    nodes?: { id?: NodeRef }[];
    links?: { source?: NodeRef; target?: NodeRef; type?: { 'py/reduce'?: unknown[]; 'py/id'?: number } }[];
  }[];
}

/** A node reference: an index into metadata.nodes, or (jsonpickle) its 1-based py/id. */
const nodeIndex = (ref: NodeRef | undefined): number =>
  typeof ref === 'number' ? ref : (ref?.['py/id'] ?? 0) - 1;

/** SLEAP's EdgeType: 1 = body edge, 2 = symmetry (a left/right pair, not a bone). */
function edgeType(type: { 'py/reduce'?: unknown[]; 'py/id'?: number } | undefined): number {
  const tuple = (type?.['py/reduce']?.[1] as { 'py/tuple'?: unknown[] } | undefined)?.['py/tuple'];
  return Number(tuple?.[0] ?? type?.['py/id'] ?? 1);
}

export function parseSlp(tables: SlpTables, file: string): SlpLabels {
  let metadata: Metadata;
  try {
    metadata = JSON.parse(tables.metadata) as Metadata;
  } catch (error) {
    throw new Error(`${file}: metadata attribute "json" is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const nodeNames = (metadata.nodes ?? []).map((node) => node.name ?? '');
  const skeleton = metadata.skeletons?.[0];
  if (!skeleton?.nodes?.length) throw new Error(`${file}: metadata has no skeleton with nodes`);
  if ((metadata.skeletons?.length ?? 0) > 1) throw new Error(`${file}: several skeletons; one is supported`);
  // Skeleton nodes reference metadata.nodes by index (or, in jsonpickle form, by 1-based py/id).
  const nameOf = (ref: NodeRef | undefined) => {
    const name = nodeNames[nodeIndex(ref)];
    if (name === undefined)
      throw new Error(`${file}: skeleton node ${JSON.stringify(ref)} is not in metadata.nodes`);
    return name;
  };
  const names = skeleton.nodes.map(({ id }) => nameOf(id));
  const links = (skeleton.links ?? [])
    .filter((link) => edgeType(link.type) === 1)
    .map((link) => [nameOf(link.source), nameOf(link.target)] as [string, string]);
  const videos = tables.videos.map((json, v) => slpVideo(json, `${file}: videos_json[${v}]`));
  const shift = tables.formatId < 1.1 ? -0.5 : 0;
  const instances: SlpLabels['instances'] = [];
  for (const [f, frame] of tables.frames.entries()) {
    for (let i = frame.instance_id_start!; i < frame.instance_id_end!; i++) {
      const instance = tables.instances[i];
      const where = `frames[${f}] instances[${i}]`;
      if (!instance) throw new Error(`${file}: ${where} is past the instances table`);
      const predicted = instance.instance_type === 1;
      const table = predicted ? tables.predPoints : tables.points;
      const points: (ForeignPoint | null)[] = names.map((_, k) => {
        const point = table[instance.point_id_start! + k];
        if (!point || k >= instance.point_id_end! - instance.point_id_start!) return null;
        if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) return null;
        return {
          x: point.x! + shift,
          y: point.y! + shift,
          visibility: point.visible ? 'visible' : 'occluded',
          ...(predicted && Number.isFinite(point.score) ? { score: point.score! } : {}),
        };
      });
      instances.push({
        image: `video${frame.video}/${frame.frame_idx}`,
        video: frame.video!,
        frame: frame.frame_idx!,
        points,
        file,
        where,
        ...(predicted ? { predicted } : {}),
        ...(predicted && Number.isFinite(instance.score) ? { score: instance.score! } : {}),
      });
    }
  }
  return { names, links, videos, instances };
}

function slpVideo(json: string, where: string): SlpVideo {
  let video: { backend?: { filename?: unknown; filenames?: unknown; dataset?: unknown } };
  try {
    video = JSON.parse(json) as typeof video;
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const { filename, filenames, dataset } = video.backend ?? {};
  if (Array.isArray(filenames)) return { kind: 'images', filenames: filenames.map(String) };
  if (filename === '.' && typeof dataset === 'string' && dataset !== '') return { kind: 'embedded', dataset };
  if (typeof filename === 'string' && filename !== '.') return { kind: 'media', filename };
  throw new Error(`${where}: backend names no filename(s) nor an embedded dataset`);
}
