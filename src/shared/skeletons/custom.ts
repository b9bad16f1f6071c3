import type { Joint } from '../domain';
import { absentJoint } from './map';
import type { SkeletonLayout } from './types';

/** Where a custom skeleton came from: the tool and the file that defined it (shown in names and errors). */
export interface SkeletonSource {
  tool: string;
  file: string;
}

/**
 * A skeleton another tool defined (DeepLabCut `bodyparts` + `skeleton`, SLEAP nodes + edges, CVAT points): kind
 * 'custom' (RGB, 2D, no canonical mapping), its joints in the file's order and `links` exactly as the file lists them,
 * so exports write them back unchanged. `edges` must be a tree rooted at joint 0 (the learner's pose model walks it):
 * the links are walked breadth-first from joint 0, and each part they leave unconnected hangs off joint 0. The id is a
 * hash of names and links, so importing the same skeleton twice gives the same layout.
 */
export function customSkeleton(
  names: readonly string[],
  links: readonly (readonly [string, string])[],
  source: SkeletonSource,
): SkeletonLayout {
  if (names.length === 0) throw new Error(`${source.file}: the skeleton has no keypoints`);
  const twice = names.find((name, k) => names.indexOf(name) !== k);
  if (twice !== undefined) throw new Error(`${source.file}: keypoint "${twice}" is listed twice`);
  const indexLinks = links.map(([a, b]) => {
    const [from, to] = [names.indexOf(a), names.indexOf(b)];
    if (from < 0 || to < 0)
      throw new Error(`${source.file}: skeleton link ${a}–${b} names a keypoint that is not listed`);
    return [from, to] as const;
  });
  return {
    id: `custom-${hash(JSON.stringify([names, indexLinks]))}`,
    name: `${source.tool} skeleton (${names.length} keypoints, from ${source.file})`,
    kind: 'custom',
    joints: [...names],
    edges: spanningTree(names.length, indexLinks),
    links: indexLinks,
  };
}

/** The links a tool should see: the file's own (custom skeletons), else the tree. */
export function skeletonLinks(layout: SkeletonLayout): readonly (readonly [number, number])[] {
  return layout.links ?? layout.edges;
}

/**
 * For every joint of `to`, the index of the joint with the same name in `from` (null when `from` lacks it). Custom
 * skeletons have no canonical layout, so they map by name.
 */
export function mapJointsByName(joints: readonly Joint[], from: SkeletonLayout, to: SkeletonLayout): Joint[] {
  return to.joints.map((name) => {
    const source = from.joints.indexOf(name);
    return source < 0 ? absentJoint() : { ...joints[source]! };
  });
}

/** Breadth-first from joint 0 over the undirected links; unreached joints start new branches off joint 0. */
function spanningTree(count: number, links: readonly (readonly [number, number])[]): [number, number][] {
  const neighbours = Array.from({ length: count }, () => [] as number[]);
  for (const [a, b] of links) {
    if (a === b) continue;
    neighbours[a]!.push(b);
    neighbours[b]!.push(a);
  }
  const edges: [number, number][] = [];
  const seen = new Set<number>();
  const walk = (start: number) => {
    seen.add(start);
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      for (const child of neighbours[queue[head]!]!) {
        if (seen.has(child)) continue;
        seen.add(child);
        edges.push([queue[head]!, child]);
        queue.push(child);
      }
    }
  };
  walk(0);
  for (let j = 1; j < count; j++) {
    if (seen.has(j)) continue;
    edges.push([0, j]);
    walk(j);
  }
  return edges;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable id, not a security hash. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
