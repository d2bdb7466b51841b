/** A file the user named cannot be used (missing, unreadable, a folder): exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}
