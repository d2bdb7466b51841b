import type { EvalEvent, StepEvent } from '@rnnkit/trainer';
import type { Io } from '../../io.js';
import { type Field, fitLine } from './fit-line.js';
import { createRecentSpeed } from './recent-speed.js';

/**
 * How progress is shown. Everything human goes to stderr: a live line redrawn in place
 * (`tty`: stderr is a terminal) or a line every `logEvery` steps (`plain`: a log or a pipe).
 * `json` writes JSON lines to stdout (data only) and keeps the human notes on stderr.
 */
export type ProgressMode = 'tty' | 'plain' | 'json';

export interface ProgressOptions {
  mode: ProgressMode;
  logEvery: number;
  /** Characters one step trains on (batch x sequence length), for the speed. */
  charsPerStep: number;
  /** The terminal's width now (process.stderr.columns); 80 when unknown. */
  columns?: () => number | undefined;
  /** Milliseconds, for the speed; `performance.now` by default. */
  now?: () => number;
}

export interface Progress {
  step(e: StepEvent): void;
  eval(e: EvalEvent, learningRate: number): void;
  /** A JSON record on stdout (under --json only). */
  record(type: string, fields: Record<string, unknown>): void;
  /** A message about the run (checkpoints, interruption): always stderr. */
  note(text: string): void;
  /** Draws the live line again (after the terminal was resized). */
  redraw(): void;
  /** Clears the live line, so what follows starts on a clean line. */
  close(): void;
}

/** `3m12s`, `1h04m`: short enough for a status line. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Speed and time left, from the recent steps (the trainer's session average as a fallback). */
interface Pace {
  charsPerSec: number;
  etaSeconds: number;
}

const stepFields = (e: StepEvent, pace: Pace): Field[] => [
  { text: `step ${e.step}/${e.steps}`, drop: 0 },
  { text: `epoch ${e.epoch.toFixed(2)}`, drop: 4 },
  { text: `loss ${e.loss.toFixed(4)}`, drop: 1 },
  { text: `lr ${e.learningRate.toExponential(2)}`, drop: 5 },
  { text: `grad ${e.gradNorm.toFixed(2)}`, drop: 6 },
  { text: `${Math.round(pace.charsPerSec)} chars/s`, drop: 3 },
  { text: `ETA ${formatDuration(pace.etaSeconds)}`, drop: 2 },
];

/**
 * Creates the progress display. On a terminal one line is redrawn in place (at most 10 times a
 * second), cut to the terminal's width; otherwise a line every `logEvery` steps; under --json
 * one object per line on stdout: `progress` every `logEvery` steps and `eval` at each
 * evaluation (the caller adds `start`, `checkpoint` and `end`).
 */
export function createProgress(io: Io, options: ProgressOptions): Progress {
  const { mode, logEvery, charsPerStep } = options;
  const now = options.now ?? (() => performance.now());
  const width = () => options.columns?.() || 80;
  const speed = createRecentSpeed();
  let lastDraw = Number.NEGATIVE_INFINITY;
  /** The live line on screen, and the width it was drawn at. */
  let live: { text: string; width: number } | undefined;
  let lastFields: Field[] | undefined;

  const erase = () => {
    if (!live) return;
    // A line drawn on a wider terminal may now wrap over several rows: go up to its first.
    const rows = Math.ceil(live.text.length / Math.max(1, width()));
    io.err(`\r${rows > 1 ? `\x1b[${rows - 1}A` : ''}\x1b[J`);
    live = undefined;
  };
  const draw = (fields: Field[]) => {
    erase();
    const text = fitLine(fields, width());
    io.err(text);
    live = { text, width: width() };
    lastFields = fields;
  };
  const pace = (e: StepEvent): Pace => {
    const perStep = speed.secondsPerStep();
    return perStep === undefined
      ? { charsPerSec: e.charsPerSec, etaSeconds: e.etaSeconds }
      : { charsPerSec: charsPerStep / perStep, etaSeconds: (e.steps - e.step) * perStep };
  };

  return {
    step(e) {
      speed.step(e.step, now());
      const p = pace(e);
      if (mode === 'tty') {
        const t = now();
        if (t - lastDraw < 100 && e.step !== e.steps) return;
        lastDraw = t;
        draw(stepFields(e, p));
      } else if (e.step % logEvery === 0) {
        if (mode === 'json') {
          const { type: _, charsPerSec: _c, etaSeconds: _e, ...fields } = e;
          io.out(`${JSON.stringify({ type: 'progress', ...fields, ...p })}\n`);
        } else {
          io.err(
            `${stepFields(e, p)
              .map((f) => f.text)
              .join(' ')}\n`,
          );
        }
      }
    },
    eval(e, learningRate) {
      speed.pause(); // evaluating is not training: the next stretch of steps is timed afresh
      if (mode === 'json') {
        const { type: _, ...fields } = e;
        io.out(`${JSON.stringify({ type: 'eval', ...fields, learningRate })}\n`);
        return;
      }
      erase();
      const val =
        e.valLoss === null
          ? 'no validation split'
          : `val ${e.valLoss.toFixed(4)} nats/char, ${(e.valBpc as number).toFixed(4)} bits/char, perplexity ${(e.valPerplexity as number).toFixed(2)}${e.best ? ' (best)' : ''}`;
      io.err(
        `step ${e.step}/${e.steps} eval: train ${e.trainLoss.toFixed(4)}, ${val}; ` +
          `${Math.round(e.charsPerSec)} chars/s, ${formatDuration(e.elapsedSeconds)} so far\n`,
      );
      if (e.sample) io.err(`--- sample ---\n${e.sample}\n--------------\n`);
    },
    record(type, fields) {
      if (mode === 'json') io.out(`${JSON.stringify({ type, ...fields })}\n`);
    },
    note(text) {
      const redraw = lastFields && live;
      erase();
      io.err(`${text}\n`);
      if (redraw && lastFields) draw(lastFields);
    },
    redraw() {
      if (live && lastFields) draw(lastFields);
    },
    close() {
      erase();
      lastFields = undefined;
    },
  };
}
