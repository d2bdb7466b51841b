import type { Io } from './io.js';

/** Errors a user's input causes: printed as one line, exit code 1, no stack trace. */
const USER_ERRORS = new Set([
  'InputError',
  'CheckpointError',
  'TrainingDataError',
  'TrainingDivergedError',
  'ConfigError',
  'OptionError',
  'UnknownCharacterError',
  'BackendError',
]);

/** Runs a command, turning the named user errors into a one-line message and exit code 1. */
export async function reportUserErrors(
  command: string,
  io: Io,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error && USER_ERRORS.has(error.name)) {
      io.err(`rnnkit ${command}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    throw error;
  }
}
