// @rnnkit/core/node: Node-only helpers (node:fs). Never imported by the browser-safe entries.
export {
  MAX_FILE_BYTES,
  type ReadLimits,
  readContainedFile,
  readRegularFile,
  resolveContained,
  sizeContainedFiles,
  statRegularFile,
} from './contained-file.js';
