import type { TokenIds } from '@rnnkit/tokenizer';
import { TrainingDataError } from '../errors.js';
import { type TextStreams, textStreams } from './text-streams.js';

export interface SplitOptions {
  batchSize: number;
  seqLength: number;
  /** Share of the text held out for validation, in [0, 1); default 0.05. */
  valFraction?: number;
}

/** The training streams, and the validation streams (absent when `valFraction` is 0). */
export interface TextSplit {
  train: TextStreams;
  val?: TextStreams;
  /** Characters whose prediction is validated (the targets of `val`). */
  valChars: number;
}

/**
 * Splits ids into training and validation streams. Validation is the end of the text, in whole
 * windows of T: `round(valFraction · windows)` of them (at least one), read as up to B streams
 * (as many as use every window) with state carried across windows, exactly as training reads its part. The validation
 * targets never overlap the training targets.
 *
 * @example
 * ```ts
 * const { train, val } = splitText(tokenizer.encode(text), { batchSize: 32, seqLength: 64 });
 * ```
 */
export function splitText(ids: TokenIds, options: SplitOptions): TextSplit {
  const { batchSize: B, seqLength: T } = options;
  const valFraction = options.valFraction ?? 0.05;
  const total = Math.floor((ids.length - 1) / T);
  const valWindows = valFraction > 0 ? Math.max(1, Math.round(valFraction * total)) : 0;
  const trainInputs = ids.length - 1 - valWindows * T;
  if (valWindows > 0 && trainInputs < B * T) {
    throw new TrainingDataError(
      `The text is too short for one batch: holding out ${valWindows * T} characters for ` +
        `validation leaves ${Math.max(0, trainInputs)} to predict, and a batch of ${B} ` +
        `streams x ${T} characters needs ${B * T}. ${splitHint(ids.length, B, T, valFraction)}`,
    );
  }
  const train = textStreams(ids.subarray(0, trainInputs + 1), B, T);
  if (valWindows === 0) return { train, valChars: 0 };
  // As many of the validation windows as possible, then as many streams as possible (<= B).
  let streams = 1;
  for (let S = 2; S <= Math.min(B, valWindows); S++) {
    if (S * Math.floor(valWindows / S) >= streams * Math.floor(valWindows / streams)) streams = S;
  }
  const perStream = Math.floor(valWindows / streams);
  const valChars = streams * perStream * T;
  const val = textStreams(ids.subarray(ids.length - valChars - 1), streams, T);
  return { train, val, valChars };
}

/** Training inputs left once validation takes its whole windows of T. */
function trainInputsFor(n: number, T: number, valFraction: number): number {
  const windows = Math.floor((n - 1) / T);
  const valWindows = valFraction > 0 ? Math.max(1, Math.round(valFraction * windows)) : 0;
  return n - 1 - valWindows * T;
}

/** The largest batch size and sequence length that fit, with the validation split kept. */
function splitHint(n: number, B: number, T: number, valFraction: number): string {
  const hints: string[] = [];
  const maxB = Math.floor(trainInputsFor(n, T, valFraction) / T);
  if (maxB >= 1) hints.push(`the batch size (--batch) to at most ${maxB}`);
  let maxT = T - 1;
  while (maxT >= 1 && trainInputsFor(n, maxT, valFraction) < B * maxT) maxT -= 1;
  if (maxT >= 1) hints.push(`the sequence length (--seq-length) to at most ${maxT}`);
  const fraction = `the validation fraction (--val-fraction, now ${valFraction})`;
  return hints.length > 0
    ? `Lower ${hints.join(', or ')}, or ${fraction}, or give more text.`
    : `Lower the batch size (--batch), the sequence length (--seq-length) and ${fraction}, or give more text.`;
}
