import { describe, expect, it } from 'vitest';
import { MAX_ERROR_MESSAGE_LENGTH, RnnkitError, ShapeError } from './errors.js';

describe('RnnkitError', () => {
  it('is an Error with a name, a code and the user-error marker', () => {
    const error = new ShapeError('x must be [B, T, I]');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(RnnkitError);
    expect(error.name).toBe('ShapeError');
    expect(error.code).toBe('shape');
    expect(error.userError).toBe(true);
    expect(error.message).toBe('x must be [B, T, I]');
  });

  it('keeps a cause', () => {
    const cause = new Error('ENOENT');
    expect(new RnnkitError('no file', { cause }).cause).toBe(cause);
  });

  it('cuts a huge message and says how much was cut', () => {
    const error = new RnnkitError(`bad: ${'x'.repeat(5_000_000)}`);
    expect(error.message.length).toBeLessThan(MAX_ERROR_MESSAGE_LENGTH + 60);
    expect(
      error.message.endsWith(`… (${5_000_005 - MAX_ERROR_MESSAGE_LENGTH} more characters)`),
    ).toBe(true);
  });
});
