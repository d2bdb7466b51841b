/** Longest message an rnnkit error carries: a header field can hold megabytes of junk. */
export const MAX_ERROR_MESSAGE_LENGTH = 2000;

/**
 * The base of every named rnnkit error. `code` is a stable machine-readable name (the class's
 * kebab-case name, or a finer one such as a `SafetensorsError`'s), and `userError` says that
 * the error was caused by what the caller gave — options, tensors, text, a file — and is fixed
 * by changing that, not by changing rnnkit. The CLI prints such errors as one line and exits 1;
 * anything else is a bug and keeps its stack trace.
 *
 * Messages longer than {@link MAX_ERROR_MESSAGE_LENGTH} characters are cut, so a hostile file
 * cannot print megabytes through an error.
 *
 * @example
 * ```ts
 * try {
 *   tokenizer.encode(text);
 * } catch (error) {
 *   if (error instanceof RnnkitError && error.userError) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class RnnkitError extends Error {
  override readonly name: string = 'RnnkitError';
  readonly code: string = 'rnnkit-error';
  readonly userError: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(boundMessage(message), options);
  }
}

function boundMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_LENGTH) return message;
  const cut = message.length - MAX_ERROR_MESSAGE_LENGTH;
  return `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}… (${cut} more characters)`;
}

/**
 * Thrown when a tensor or argument has the wrong rank, size, batch or dtype for the call it was
 * given to. The message names the argument, what was expected and what was given.
 */
export class ShapeError extends RnnkitError {
  override readonly name = 'ShapeError';
  override readonly code = 'shape';
}

/**
 * Thrown when something is used after its `dispose()`: its memory is gone or handed to
 * another. The message names the object and the call; create a new one instead.
 */
export class DisposedError extends RnnkitError {
  override readonly name = 'DisposedError';
  override readonly code = 'disposed';
}

/** Why a file could not be used, as {@link FileAccessError.reason}. */
export type FileAccessReason =
  | 'bad-path'
  | 'outside-folder'
  | 'missing'
  | 'not-a-file'
  | 'too-large'
  | 'size-mismatch'
  | 'unreadable';

/**
 * Thrown when a file named by the user or by another file cannot be read safely: a path that
 * leaves its folder (`..`, absolute, a symlink out), something that is not a regular file (a
 * folder, FIFO or device), a file larger than its limit or of another size than its manifest
 * promises, or one that is missing or unreadable. `reason` says which; the message says which
 * file and what to do.
 */
export class FileAccessError extends RnnkitError {
  override readonly name = 'FileAccessError';
  override readonly code = 'file-access';
  readonly reason: FileAccessReason;

  constructor(reason: FileAccessReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
