// How the CLI looks at a path before and after using it; shared by every file reader.
import { stat } from 'node:fs/promises';

/** Whether anything (file or folder) is at the path. */
export const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** What went wrong opening a file, and what to do about it. */
export function describeReadError(path: string, error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `Cannot read '${path}': there is no such file. Check the path.`;
  if (code === 'EISDIR') return `Cannot read '${path}': it is a folder, not a ${what}.`;
  if (code === 'EACCES' || code === 'EPERM') {
    return `Cannot read '${path}': permission denied. Check the file's permissions.`;
  }
  return `Cannot read '${path}': ${(error as Error).message}.`;
}
