import { AppError } from '@shared/errors';

/** Errors of the disk itself (full, over quota, failing), as opposed to a bad target path. */
const DISK_CODES = ['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG'];

/**
 * A full or failing disk becomes an `io` error naming the path being written (issue 15: it used to be reported as
 * bad input, exit 2, with no path). Anything else is returned unchanged.
 */
export function diskError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (error instanceof AppError || code === undefined || !DISK_CODES.includes(code)) return error;
  return new AppError('io', `cannot write ${path}: ${(error as Error).message}`, path);
}
