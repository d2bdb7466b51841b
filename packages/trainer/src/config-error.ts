/** Thrown for a model or training configuration that cannot work; the message says which value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
