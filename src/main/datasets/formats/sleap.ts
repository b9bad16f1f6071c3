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

/** Where a video's frames come from: image files (ImageVideo / filenames) or a media file to decode. */
export type SlpVideo = { kind: 'images'; filenames: string[] } | { kind: 'media'; filename: string };

export interface SlpLabels {
  names: string[];
  videos: SlpVideo[];
  /** Instances whose `image` is `video<i>/<frame index>` until the importer resolves the frame to a file. */
  instances: (ForeignInstance & { video: number; frame: number })[];
}

interface Metadata {
  nodes?: { name?: string }[];
  skeletons?: { nodes?: { id?: number | { 'py/id'?: number } }[] }[];
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
  const names = skeleton.nodes.map(({ id }) => {
    const index = typeof id === 'number' ? id : (id?.['py/id'] ?? 0) - 1;
    const name = nodeNames[index];
    if (name === undefined)
      throw new Error(`${file}: skeleton node ${JSON.stringify(id)} is not in metadata.nodes`);
    return name;
  });
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
      });
    }
  }
  return { names, videos, instances };
}

function slpVideo(json: string, where: string): SlpVideo {
  let video: { backend?: { filename?: unknown; filenames?: unknown } };
  try {
    video = JSON.parse(json) as typeof video;
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const { filename, filenames } = video.backend ?? {};
  if (Array.isArray(filenames)) return { kind: 'images', filenames: filenames.map(String) };
  if (typeof filename === 'string' && filename !== '.') return { kind: 'media', filename };
  throw new Error(`${where}: backend names no filename(s) (embedded images are not read)`);
}
