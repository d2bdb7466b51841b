import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown when an exported or imported model file does not describe an rnnkit character model:
 * a sidecar or model.json with a wrong format, version or config, a layer stack rnnkit does not
 * have, or a config that contradicts the weights. The message says what and what to do.
 */
export class ModelFileError extends RnnkitError {
  override readonly name = 'ModelFileError';
  override readonly code = 'model-file';
}
