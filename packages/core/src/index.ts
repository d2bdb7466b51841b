export {
  DisposedError,
  FileAccessError,
  type FileAccessReason,
  MAX_ERROR_MESSAGE_LENGTH,
  RnnkitError,
  ShapeError,
} from './errors.js';
export { createRng, dropoutMask, type Rng } from './random.js';
export { parseJsonSafely, UNSAFE_JSON_KEYS } from './safe-json.js';
export { transposeInto, transposeMatrix } from './transpose.js';
