// The message of the UsageError a flag check throws, for tests of option parsing.
import { expect } from 'vitest';
import { UsageError } from '../errors.js';

/** The UsageError message a call throws (fails the test when it does not throw one). */
export function usage(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}
