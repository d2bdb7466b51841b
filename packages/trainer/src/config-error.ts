import { RnnkitError } from '@rnnkit/core';
/** Thrown for a model or training configuration that cannot work; the message says which value. */
export class ConfigError extends RnnkitError {
  override name = 'ConfigError';
  override readonly code = 'config';
}
