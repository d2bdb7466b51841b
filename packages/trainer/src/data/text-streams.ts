import type { TokenIds } from '@rnnkit/tokenizer';
import { TrainingDataError } from '../errors.js';

/**
 * Text cut as char-rnn cuts it: B parallel streams of consecutive characters, each read in
 * windows of T. Window k of every stream forms one batch `[B, T]`, so the state a stream ends
 * window k with is the right state to start window k + 1 with (truncated BPTT).
 */
export interface TextStreams {
  /**
   * The ids the streams read (a view of the whole text's ids, never a copy): stream b's inputs
   * start at `b * streamLength`.
   */
  readonly ids: TokenIds;
  /** B: parallel streams (batch rows). */
  readonly streams: number;
  /** T: characters per window. */
  readonly seqLength: number;
  /** Windows per stream: one pass over the text (an epoch) is this many batches. */
  readonly windows: number;
}

/**
 * Lays `ids` out as `streams` streams of whole windows; the last target is the id after the
 * last input, so `streams · windows · seqLength + 1` ids are used and any rest at the end is
 * dropped. Throws `TrainingDataError` when not even one window fits.
 *
 * @example
 * ```ts
 * const s = textStreams(tokenizer.encode(text), 32, 64);
 * const { x, y } = windowAt(s, 0); // [32 * 64] each, row-major [B, T]
 * ```
 */
export function textStreams(ids: TokenIds, streams: number, seqLength: number): TextStreams {
  const inputs = ids.length - 1;
  const windows = Math.floor(inputs / (streams * seqLength));
  if (windows < 1) {
    throw new TrainingDataError(
      `The text is too short for one batch: it has ${Math.max(0, inputs)} characters to ` +
        `predict, and a batch of ${streams} streams x ${seqLength} characters needs ` +
        `${streams * seqLength}. ${lowerHint(inputs, streams, seqLength)}`,
    );
  }
  return { ids, streams, seqLength, windows };
}

/**
 * Inputs and targets of window `k` (0 ≤ k < windows) as row-major `[B, T]` int32 data: row b is
 * stream b, and targets are the inputs shifted by one character.
 *
 * @example
 * ```ts
 * const { x, y } = windowAt(streams, step % streams.windows);
 * const xs = tf.tensor2d(x, [streams.streams, streams.seqLength], 'int32');
 * ```
 */
export function windowAt(s: TextStreams, k: number): { x: Int32Array; y: Int32Array } {
  const { streams, seqLength: T, windows } = s;
  const streamLength = windows * T;
  const x = new Int32Array(streams * T);
  const y = new Int32Array(streams * T);
  for (let b = 0; b < streams; b++) {
    const start = b * streamLength + k * T;
    x.set(s.ids.subarray(start, start + T), b * T);
    y.set(s.ids.subarray(start + 1, start + T + 1), b * T);
  }
  return { x, y };
}

/** Which of batch size and sequence length to lower, and to what, for `inputs` characters. */
export function lowerHint(inputs: number, streams: number, seqLength: number): string {
  const hints: string[] = [];
  if (inputs >= seqLength && streams > 1) {
    hints.push(`the batch size (--batch) to at most ${Math.floor(inputs / seqLength)}`);
  }
  if (inputs >= streams && seqLength > 1) {
    hints.push(`the sequence length (--seq-length) to at most ${Math.floor(inputs / streams)}`);
  }
  return hints.length > 0
    ? `Lower ${hints.join(', or ')}, or give more text.`
    : 'Lower the batch size (--batch) and the sequence length (--seq-length), or give more text.';
}
