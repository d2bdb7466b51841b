// Turns what the form says into training options, with the checks a user can fix from the
// page: each message says what is wrong and what to change.
import type { TrainOptions } from '@rnnkit/trainer';
import type { ModelSettings } from './presets.js';

/** A problem with the user's input, shown in the page's error box. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Longest text the lecture log is kept for: beyond it there is no single sequence to show. */
export const LECTURE_MAX_CHARS = 64;

/** Reads an integer field; `label` names it in the message. */
export function intField(label: string, raw: string, min: number, max: number): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${label} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

/** Reads a number field (min exclusive when `minOpen`). */
export function numberField(
  label: string,
  raw: string,
  min: number,
  max: number,
  minOpen = false,
): number {
  const value = Number(raw.trim());
  const low = minOpen ? value <= min : value < min;
  if (raw.trim() === '' || !Number.isFinite(value) || low || value > max) {
    const range = minOpen ? `greater than ${min} and at most ${max}` : `from ${min} to ${max}`;
    throw new InputError(`${label} must be a number ${range}, not "${raw}".`);
  }
  return value;
}

/** Training inputs left once validation takes its whole windows of T (as @rnnkit/trainer splits). */
function trainInputs(n: number, T: number, valFraction: number): number {
  const windows = Math.floor((n - 1) / T);
  const valWindows = valFraction > 0 ? Math.max(1, Math.round(valFraction * windows)) : 0;
  return n - 1 - valWindows * T;
}

/**
 * Checks that a text of `n` characters holds one batch of B streams × T characters after the
 * validation split, and says which smaller setting would fit.
 */
export function checkTextFits(n: number, B: number, T: number, valFraction: number): void {
  if (n === 0) {
    throw new InputError('The text is empty: pick a preset, paste some text, or open a text file.');
  }
  if (trainInputs(n, T, valFraction) >= B * T) return;
  const hints: string[] = [];
  const maxB = Math.floor(trainInputs(n, T, valFraction) / T);
  if (maxB >= 1) hints.push(`batch size to ${maxB} or less`);
  let maxT = T - 1;
  while (maxT >= 1 && trainInputs(n, maxT, valFraction) < B * maxT) maxT -= 1;
  if (maxT >= 1) hints.push(`sequence length to ${maxT} or less`);
  if (hints.length === 0) {
    let t1 = T;
    while (t1 >= 1 && trainInputs(n, t1, valFraction) < t1) t1 -= 1;
    if (t1 >= 1) hints.push(`batch size to 1 and the sequence length to ${t1} or less`);
  }
  const held = valFraction > 0 ? `, after holding out ${valFraction * 100}% for validation` : '';
  const fix =
    hints.length > 0
      ? `Lower the ${hints.join(', or the ')}, or use a longer text.`
      : 'Lower the batch size, the sequence length and the validation share, or use a longer text.';
  throw new InputError(
    `The text has ${n} characters: too short for one batch of ${B} × ${T} characters${held}. ${fix}`,
  );
}

/** The form's settings as @rnnkit/trainer options, checked against the text's length. */
export function trainOptions(settings: ModelSettings, textLength: number): TrainOptions {
  const s = settings;
  checkTextFits(textLength, s.batchSize, s.seqLength, s.valFraction);
  return {
    cell: s.cell,
    hiddenSize: s.hiddenSize,
    numLayers: s.numLayers,
    seqLength: s.seqLength,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    optimizer: s.optimizer,
    seed: s.seed,
    steps: s.steps,
    evalEvery: Math.min(s.evalEvery, s.steps),
    valFraction: s.valFraction,
    sampleLength: textLength <= LECTURE_MAX_CHARS ? 0 : 160,
  };
}

/** Reads the model form's raw field values. */
export function parseSettings(raw: Record<string, string>): ModelSettings {
  const cell = raw.cell;
  if (cell !== 'rnn' && cell !== 'lstm' && cell !== 'gru') {
    throw new InputError(`Cell must be RNN, LSTM or GRU, not "${cell}".`);
  }
  const optimizer = raw.optimizer;
  if (optimizer !== 'adam' && optimizer !== 'sgd' && optimizer !== 'rmsprop') {
    throw new InputError(`Optimizer must be Adam, SGD or RMSProp, not "${optimizer}".`);
  }
  return {
    cell,
    optimizer,
    hiddenSize: intField('Hidden size', raw.hiddenSize ?? '', 1, 1024),
    numLayers: intField('Layers', raw.numLayers ?? '', 1, 4),
    seqLength: intField('Sequence length', raw.seqLength ?? '', 1, 1024),
    batchSize: intField('Batch size', raw.batchSize ?? '', 1, 512),
    learningRate: numberField('Learning rate', raw.learningRate ?? '', 0, 10, true),
    seed: intField('Seed', raw.seed ?? '', 0, 2 ** 32 - 1),
    steps: intField('Steps', raw.steps ?? '', 1, 1_000_000),
    evalEvery: intField('Evaluate every', raw.evalEvery ?? '', 1, 1_000_000),
    valFraction: numberField('Validation share', raw.valFraction ?? '', 0, 0.5),
  };
}
