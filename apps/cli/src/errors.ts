// The CLI's two error classes, and how a command tells a user's mistake from a bug: by
// `instanceof RnnkitError` and its `userError` marker, never by name strings.
import { RnnkitError } from '@rnnkit/core';
import type { Io } from './io.js';

/** A mistake in how the command was called: printed with a hint, exit code 2. */
export class UsageError extends RnnkitError {
  override name = 'UsageError';
  override readonly code = 'usage';
}

/** A file the user named cannot be used (missing, unreadable, a folder): exit code 1. */
export class InputError extends RnnkitError {
  override name = 'InputError';
  override readonly code = 'input';
}

/** Another trainer holds the checkpoint folder's lock: exit code 1, nothing written. */
export class CheckpointLockedError extends RnnkitError {
  override name = 'CheckpointLockedError';
  override readonly code = 'checkpoint-locked';
}

/**
 * A checkpoint could not be written (full disk, no permission, a file where a folder should
 * be): the previous checkpoint is kept and the partial file removed. Exit code 1.
 */
export class CheckpointWriteError extends RnnkitError {
  override name = 'CheckpointWriteError';
  override readonly code = 'checkpoint-write';
}

/**
 * The library's option names (`numLayers`, `prime()`) as the CLI's flags: a library error that
 * reaches the terminal speaks the language the user typed in.
 */
const FLAGS: [RegExp, string][] = [
  [/\bhiddenSize\b/g, '--hidden'],
  [/\bnumLayers\b/g, '--layers'],
  [/\bbatchSize\b/g, '--batch'],
  [/\bseqLength\b/g, '--seq-length'],
  [/\blearningRate\b/g, '--lr'],
  [/\bclipNorm\b/g, '--clip'],
  [/\bevalEvery\b/g, '--eval-every'],
  [/\bvalFraction\b/g, '--val-fraction'],
  [/\bsampleLength\b/g, '--sample-length'],
  [/\btopK\b/g, '--top-k'],
  [/\btopP\b/g, '--top-p'],
  [/\b(dropout|temperature|steps|epochs|seed|init)(?= (must|0\b))/g, '--$1'],
  [/pass resetAfterGru: 'keep'/g, 'pass --gru-reset-after'],
  [/, or \{ unknown: 'skip' \}/g, ''],
  [/\{ unknown: 'skip' \}/g, '--skip-unknown'],
];

export function inCliTerms(message: string): string {
  return FLAGS.reduce((m, [pattern, flag]) => m.replace(pattern, flag), message);
}

/**
 * Errors about the options the user typed, whose library names read as flags. Errors about a
 * file keep its field names (`modelTopology.model.numLayers`): they describe what the file says.
 */
const OPTION_ERRORS = new Set(['config', 'training-data', 'option', 'recurrent-option', 'usage']);

/** An error's message as the CLI prints it. */
export function cliMessage(error: RnnkitError): string {
  const text = OPTION_ERRORS.has(error.code) ? inCliTerms(error.message) : error.message;
  return text.replace(/\s*\n\s*/g, ' ');
}

/** An error the user fixes by changing their input, not a bug in rnnkit. */
export function isUserError(error: unknown): error is RnnkitError {
  return error instanceof RnnkitError && error.userError;
}

/**
 * Runs a command, turning an error the user's input caused (any `RnnkitError` marked
 * `userError`) into a one-line message and exit code 1. A `UsageError` passes through, so the
 * CLI prints it with its hint and exit code 2; anything else is a bug and keeps its stack.
 */
export async function reportUserErrors(
  command: string,
  io: Io,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (isUserError(error) && !(error instanceof UsageError)) {
      io.err(`rnnkit ${command}: ${cliMessage(error)}\n`);
      return 1;
    }
    throw error;
  }
}

/** Runs `fn`, turning an error in a file the user gave into an `InputError` that names it. */
export async function asInputError<T>(what: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUserError(error) && !(error instanceof InputError)) {
      throw new InputError(`${what}: ${error.message}`);
    }
    throw error;
  }
}
