import { RnnkitError } from '@rnnkit/core';
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
