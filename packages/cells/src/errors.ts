import { RnnkitError } from '@rnnkit/core';

// The named errors of @rnnkit/cells, each a user error (`RnnkitError.userError`): weight
// files and dictionaries that do not fit. Wrong tensor shapes throw core's `ShapeError`.

/**
 * Thrown when weights cannot move exactly between rnnkit (PyTorch layout) and Keras /
 * tfjs-layers layout: wrong shapes or layer count, or a GRU that the reset-before variant
 * (the only GRU tfjs-layers has) cannot express. The message says which layer and what to do.
 */
export class KerasLayoutError extends RnnkitError {
  override readonly name = 'KerasLayoutError';
  override readonly code = 'keras-layout';
}

/**
 * Thrown when a named-array weight dictionary does not fit the network: missing names, extra
 * names, wrong shapes or malformed arrays. The message names every offending entry, so one
 * error shows everything that has to change (often a wrong `prefix`, cell type or size).
 */
export class WeightFormatError extends RnnkitError {
  override readonly name = 'WeightFormatError';
  override readonly code = 'weight-format';
}

/** What exactly is wrong with a safetensors file; see `SafetensorsError.code`. */
export type SafetensorsErrorCode =
  | 'truncated'
  | 'header-length'
  | 'header-json'
  | 'tensor-info'
  | 'dtype'
  | 'size-mismatch'
  | 'offsets'
  | 'overlap'
  | 'gap'
  | 'trailing-bytes';

/**
 * Thrown when bytes are not a well-formed safetensors file: a header length past the end of
 * the file, a header that is not JSON, offsets out of range, overlapping or leaving holes, a
 * byte range that does not match its dtype and shape, an unsupported dtype, a truncated file.
 * `code` says which, the message says where and what to do. A file that is well formed but
 * does not fit the model raises `WeightFormatError` instead.
 */
export class SafetensorsError extends RnnkitError {
  override readonly name = 'SafetensorsError';
  override readonly code: SafetensorsErrorCode;

  constructor(code: SafetensorsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Thrown for a recurrent option that cannot run: an unknown activation name, a mask of the
 * wrong shape, or Keras options (activations other than tanh/sigmoid, masks, masked steps
 * that repeat the previous output) on a backend without rnnkit's fused kernels (they run on
 * cpu and wasm). The message names the option and what to use instead.
 */
export class RecurrentOptionError extends RnnkitError {
  override readonly name = 'RecurrentOptionError';
  override readonly code = 'recurrent-option';
}

/**
 * Thrown when a custom cell (`defineCell`) is malformed or its step breaks its own contract:
 * a parameter without a shape or with an unknown initialiser, or a step that returns `h` (or
 * `c`) of the wrong shape, or leaves out `c` that its state declares. The message names the
 * cell and what was expected.
 */
export class CustomCellError extends RnnkitError {
  override readonly name = 'CustomCellError';
  override readonly code = 'custom-cell';
}

/**
 * Thrown when an op that exists only as rnnkit's cpu/wasm kernel (the fused linear head and
 * loss) is called on another backend. The message names the backend and the unfused ops to
 * use there.
 */
export class KernelBackendError extends RnnkitError {
  override readonly name = 'KernelBackendError';
  override readonly code = 'kernel-backend';
}
