import type { EvalEvent, StepEvent } from '@rnnkit/trainer';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from './train-progress.js';

const step = (n: number): StepEvent => ({
  type: 'step',
  step: n,
  steps: 4,
  epoch: n / 2,
  loss: 2.5,
  gradNorm: 0.75,
  learningRate: 0.002,
  charsPerSec: 1234.4,
  etaSeconds: 75,
});
const evaluation: EvalEvent = {
  type: 'eval',
  step: 4,
  steps: 4,
  epoch: 2,
  trainLoss: 2.4,
  valLoss: 2.3,
  valBpc: 2.3 / Math.LN2,
  valPerplexity: Math.exp(2.3),
  best: true,
  sample: 'the cat',
  charsPerSec: 1234,
  elapsedSeconds: 3,
};

function capture() {
  const io = { text: '', err: '' };
  return {
    io,
    sink: {
      out: (t: string) => {
        io.text += t;
      },
      err: (t: string) => {
        io.err += t;
      },
    },
  };
}

describe('training progress display', () => {
  it('redraws one line in place on a terminal, and clears it before an evaluation', () => {
    const { io, sink } = capture();
    const p = createProgress(sink, 'tty', 10);
    p.step(step(1));
    p.step(step(2)); // within 100 ms: skipped
    p.eval(evaluation, 0.002);
    expect(io.text).toBe(
      '\r\x1b[Kstep 1/4 epoch 0.50 loss 2.5000 lr 2.00e-3 grad 0.75 1234 chars/s ETA 1m15s' +
        '\r\x1b[Kstep 4/4 eval: train 2.4000, val 2.3000 nats/char, 3.3182 bits/char, perplexity 9.97 (best); 1234 chars/s, 3s so far\n' +
        '--- sample ---\nthe cat\n--------------\n',
    );
  });

  it('writes a plain line every logEvery steps when not on a terminal', () => {
    const { io, sink } = capture();
    const p = createProgress(sink, 'plain', 2);
    for (let i = 1; i <= 4; i++) p.step(step(i));
    expect(
      io.text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[1]),
    ).toEqual(['2/4', '4/4']);
    expect(io.text).not.toMatch(/\r/);
  });

  it('writes JSON lines, with notes on stderr', () => {
    const { io, sink } = capture();
    const p = createProgress(sink, 'json', 4);
    p.step(step(4));
    p.eval(evaluation, 0.002);
    p.note('Saved');
    const [progress, ev] = io.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(progress).toMatchObject({ type: 'progress', step: 4, loss: 2.5, gradNorm: 0.75 });
    expect(ev).toMatchObject({ type: 'eval', step: 4, trainLoss: 2.4, valLoss: 2.3, best: true });
    expect(ev.valBpc).toBeCloseTo(3.318, 3);
    expect(io.err).toBe('Saved\n');
  });

  it('formats durations', () => {
    expect([5, 75, 3725, Number.NaN].map(formatDuration)).toEqual(['5s', '1m15s', '1h02m', '?']);
  });
});
