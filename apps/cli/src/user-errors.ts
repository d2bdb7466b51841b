import { RnnkitError } from '@rnnkit/core';
import { UsageError } from './cli-error.js';
import type { Io } from './io.js';

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
      io.err(`rnnkit ${command}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    throw error;
  }
}

/** An error the user fixes by changing their input, not a bug in rnnkit. */
export function isUserError(error: unknown): error is RnnkitError {
  return error instanceof RnnkitError && error.userError;
}
