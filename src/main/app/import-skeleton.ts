import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { mapJoints, mapJointsByName, type SkeletonLayout } from '@shared/skeletons';
import type { DatasetFormat } from '../datasets';
import type { Project } from './project';

/** Formats that bring images only: their layout is a default, never mapped (they have no joints to map). */
const IMAGES_ONLY: readonly DatasetFormat[] = ['rgb-folder', 'video', 'unlabelled'];

/**
 * The skeleton an import's joints land in. An empty project takes the dataset's own, built-in or custom (the
 * custom one is saved with the project, so it outlives the file). Otherwise the project keeps its skeleton and the
 * labels are mapped into it: built-in layouts of one kind through their canonical layout, any other pair by joint
 * name when both name the same joints. Anything else is refused, naming the file and the joints that differ.
 */
export function importSkeleton(
  project: Project,
  native: SkeletonLayout,
  format: DatasetFormat,
  sourceFile: string | undefined,
): { target: SkeletonLayout; toProject: (joints: Joint[]) => Joint[] } {
  const { store } = project;
  store.putSkeleton(native);
  if (store.counts().total === 0 && project.skeletonId !== native.id) store.setSetting('skeleton', native.id);
  const target = project.skeleton;
  if (target.id === native.id || IMAGES_ONLY.includes(format))
    return { target, toProject: (joints) => joints };
  if (target.kind === native.kind && target.toCanonical && native.toCanonical)
    return { target, toProject: (joints) => mapJoints(joints, native, target) };
  const extra = native.joints.filter((name) => !target.joints.includes(name));
  const missing = target.joints.filter((name) => !native.joints.includes(name));
  if (extra.length === 0 && missing.length === 0)
    return { target, toProject: (joints) => mapJointsByName(joints, native, target) };
  const file = sourceFile ?? native.name;
  throw new AppError(
    'invalid_input',
    `${file}: its keypoints do not match this project's skeleton "${target.name}"` +
      (extra.length ? `; not in the project: [${extra.join(', ')}]` : '') +
      (missing.length ? `; missing from the file: [${missing.join(', ')}]` : '') +
      ' (import it into a new project, or rename the bodyparts to match)',
    file,
  );
}
