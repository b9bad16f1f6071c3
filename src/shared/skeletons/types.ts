/**
 * A skeleton layout: joint names in the order the model outputs them (never reorder an existing layout), edges as
 * index pairs forming a tree rooted at joint 0, and an explicit mapping to the canonical 21-joint hand where one
 * exists. `toCanonical[c]` is the native joint index for canonical joint c, or null when the dataset has no such joint.
 */
export interface SkeletonLayout {
  id: string;
  name: string;
  /** 'custom': a skeleton another tool's file defined (animals, objects): RGB, 2D, mapped by joint name only. */
  kind: 'hand' | 'human' | 'custom';
  joints: readonly string[];
  /** [parent, child] pairs; every joint but the root has exactly one parent. */
  edges: readonly (readonly [number, number])[];
  toCanonical?: readonly (number | null)[];
  /** Custom skeletons: the links exactly as their file lists them (any graph), for drawing back into that format. */
  links?: readonly (readonly [number, number])[];
}
