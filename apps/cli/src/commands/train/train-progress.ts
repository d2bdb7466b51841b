import type { EvalEvent, StepEvent } from '@rnnkit/trainer';
import type { Io } from '../../io.js';

/** How progress is shown: a live line (terminal), plain lines (logs, pipes) or JSON lines. */
export type ProgressMode = 'tty' | 'plain' | 'json';

export interface Progress {
  step(e: StepEvent): void;
  eval(e: EvalEvent, learningRate: number): void;
  /** A message about the run (checkpoints, interruption): stdout, or stderr under --json. */
  note(text: string): void;
}

/** `3m12s`, `1h04m`: short enough for a status line. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const stepLine = (e: StepEvent) =>
  `step ${e.step}/${e.steps} epoch ${e.epoch.toFixed(2)} loss ${e.loss.toFixed(4)} ` +
  `lr ${e.learningRate.toExponential(2)} grad ${e.gradNorm.toFixed(2)} ` +
  `${Math.round(e.charsPerSec)} chars/s ETA ${formatDuration(e.etaSeconds)}`;

/**
 * Creates the progress display. On a terminal one line is redrawn in place (carriage return,
 * at most 10 times a second); otherwise a line every `logEvery` steps; under --json one object
 * per line: `progress` every `logEvery` steps and `eval` at each evaluation.
 */
export function createProgress(io: Io, mode: ProgressMode, logEvery: number): Progress {
  let lastDraw = 0;
  let live = false;
  const clear = () => {
    if (live) io.out('\r\x1b[K');
    live = false;
  };
  return {
    step(e) {
      if (mode === 'tty') {
        const now = Date.now();
        if (now - lastDraw < 100 && e.step !== e.steps) return;
        lastDraw = now;
        io.out(`\r\x1b[K${stepLine(e)}`);
        live = true;
      } else if (e.step % logEvery === 0) {
        io.out(
          mode === 'json'
            ? `${JSON.stringify({ type: 'progress', step: e.step, steps: e.steps, epoch: e.epoch, loss: e.loss, gradNorm: e.gradNorm, learningRate: e.learningRate, charsPerSec: e.charsPerSec, etaSeconds: e.etaSeconds })}\n`
            : `${stepLine(e)}\n`,
        );
      }
    },
    eval(e, learningRate) {
      if (mode === 'json') {
        const { type: _, ...fields } = e;
        io.out(`${JSON.stringify({ type: 'eval', ...fields, learningRate })}\n`);
        return;
      }
      clear();
      const val =
        e.valLoss === null
          ? 'no validation split'
          : `val ${e.valLoss.toFixed(4)} nats/char, ${(e.valBpc as number).toFixed(4)} bits/char, perplexity ${(e.valPerplexity as number).toFixed(2)}${e.best ? ' (best)' : ''}`;
      io.out(
        `step ${e.step}/${e.steps} eval: train ${e.trainLoss.toFixed(4)}, ${val}; ` +
          `${Math.round(e.charsPerSec)} chars/s, ${formatDuration(e.elapsedSeconds)} so far\n`,
      );
      if (e.sample) io.out(`--- sample ---\n${e.sample}\n--------------\n`);
    },
    note(text) {
      if (mode === 'json') {
        io.err(`${text}\n`);
        return;
      }
      clear();
      io.out(`${text}\n`);
    },
  };
}
