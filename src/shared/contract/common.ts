import { z } from 'zod';

/** A project is addressed by its folder path (the CLI's first positional argument). */
export const ProjectRef = z.string().min(1).describe('project folder');

/** Input of an operation on one project: `{ project, ...fields }`. */
export function projectInput<T extends z.ZodRawShape>(shape: T) {
  return z.object({ project: ProjectRef, ...shape });
}

export const Cursor = z.number().int().nonnegative();
export const PageLimit = z.number().int().min(1).max(1000).default(100);

/** Viewpoint ranges of synthetic hands: real = the real datasets' cameras; sphere = a full turn about the forearm. */
export const Viewpoints = z
  .enum(['real', 'sphere'])
  .default('real')
  .describe(
    'synthetic hand viewpoints: real = the real datasets’ ranges; sphere = a full turn about the forearm',
  );
