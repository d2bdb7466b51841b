export { MAX_ERROR_MESSAGE_LENGTH, RnnkitError, ShapeError } from './errors.js';
export { createRng, dropoutMask, type Rng } from './random.js';
export { transposeInto, transposeMatrix } from './transpose.js';
