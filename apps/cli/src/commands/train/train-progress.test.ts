import type { EvalEvent, StepEvent } from '@rnnkit/trainer';
import { describe, expect, it } from 'vitest';
import { fitLine } from './fit-line.js';
import { createRecentSpeed } from './recent-speed.js';
import { createProgress, formatDuration, type ProgressOptions } from './train-progress.js';

const step = (n: number, steps = 4): StepEvent => ({
  type: 'step',
  step: n,
  steps,
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

/** A progress display writing into strings, on a fake clock and terminal width. */
function capture(options: Partial<ProgressOptions> & Pick<ProgressOptions, 'mode'>) {
  const io = { out: '', err: '', ms: 0, columns: 120 };
  const progress = createProgress(
    {
      out: (t: string) => {
        io.out += t;
      },
      err: (t: string) => {
        io.err += t;
      },
    },
    { logEvery: 10, charsPerStep: 100, now: () => io.ms, columns: () => io.columns, ...options },
  );
  return { io, progress };
}

describe('training progress display', () => {
  it('redraws one line in place on stderr, and clears it before an evaluation', () => {
    const { io, progress } = capture({ mode: 'tty' });
    progress.step(step(1));
    progress.step(step(2)); // within 100 ms: skipped
    progress.eval(evaluation, 0.002);
    expect(io.out).toBe('');
    expect(io.err).toBe(
      'step 1/4 epoch 0.50 loss 2.5000 lr 2.00e-3 grad 0.75 1234 chars/s ETA 1m15s' +
        '\r\x1b[Jstep 4/4 eval: train 2.4000, val 2.3000 nats/char, 3.3182 bits/char, perplexity 9.97 (best); 1234 chars/s, 3s so far\n' +
        '--- sample ---\nthe cat\n--------------\n',
    );
  });

  it('fits the live line to the terminal, and after a resize clears every row it wrapped onto', () => {
    const { io, progress } = capture({ mode: 'tty', columns: () => io.columns });
    io.columns = 40;
    progress.step(step(1));
    const line = io.err;
    expect(line.length).toBeLessThan(40);
    expect(line).toMatch(/^step 1\/4 loss 2\.5000 .*ETA 1m15s$/);
    io.columns = 120;
    io.err = '';
    progress.redraw();
    expect(io.err.startsWith('\r\x1b[Jstep 1/4 epoch 0.50 loss 2.5000 lr 2.00e-3 grad 0.75')).toBe(
      true,
    );
    io.columns = 30; // the 70-character line now spans 3 rows: go up 2, then clear
    io.err = '';
    progress.redraw();
    expect(io.err.startsWith('\r\x1b[2A\x1b[J')).toBe(true);
  });

  it('measures speed over recent steps: warm-up and evaluations do not count', () => {
    const { io, progress } = capture({ mode: 'plain', logEvery: 1 });
    io.ms = 60_000; // a slow first step (warm-up), ended at 60 s
    progress.step(step(1, 100));
    for (let i = 2; i <= 5; i++) {
      io.ms += 500;
      progress.step(step(i, 100));
    }
    // 4 steps of 0.5 s, 100 chars each: 200 chars/s, 95 steps left: 47.5 s
    expect(io.err.trim().split('\n').at(-1)).toMatch(/ 200 chars\/s ETA 48s$/);
  });

  it('writes a plain line on stderr every logEvery steps when not on a terminal', () => {
    const { io, progress } = capture({ mode: 'plain', logEvery: 2 });
    for (let i = 1; i <= 4; i++) progress.step(step(i));
    expect(
      io.err
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[1]),
    ).toEqual(['2/4', '4/4']);
    expect(io.err).not.toMatch(/\r/);
    expect(io.out).toBe('');
  });

  it('writes only JSON lines on stdout, with notes on stderr', () => {
    const { io, progress } = capture({ mode: 'json', logEvery: 4 });
    progress.record('start', { version: '1.0.0' });
    progress.step(step(4));
    progress.eval(evaluation, 0.002);
    progress.note('Saved');
    progress.record('end', { reason: 'completed' });
    const [start, p, ev, end] = io.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(start).toEqual({ type: 'start', version: '1.0.0' });
    expect(p).toMatchObject({ type: 'progress', step: 4, loss: 2.5, gradNorm: 0.75 });
    expect(ev).toMatchObject({ type: 'eval', step: 4, trainLoss: 2.4, valLoss: 2.3, best: true });
    expect(ev.valBpc).toBeCloseTo(3.318, 3);
    expect(end).toEqual({ type: 'end', reason: 'completed' });
    expect(io.err).toBe('Saved\n');
  });

  it('formats durations', () => {
    expect([5, 75, 3725, Number.NaN].map(formatDuration)).toEqual(['5s', '1m15s', '1h02m', '?']);
  });
});

describe('fitLine and recent speed', () => {
  it('drops the least important fields first, then cuts', () => {
    const fields = [
      { text: 'aaaa', drop: 0 },
      { text: 'bbbb', drop: 2 },
      { text: 'cccc', drop: 1 },
    ];
    expect(fitLine(fields, 100)).toBe('aaaa bbbb cccc');
    expect(fitLine(fields, 12)).toBe('aaaa cccc');
    expect(fitLine([{ text: 'x'.repeat(30), drop: 0 }], 20)).toBe(`${'x'.repeat(18)}…`);
  });

  it('forgets the window on pause and keeps the last steps only', () => {
    const speed = createRecentSpeed(2);
    speed.step(1, 0);
    expect(speed.secondsPerStep()).toBeUndefined();
    speed.step(2, 10_000);
    speed.step(3, 11_000);
    speed.step(4, 12_000);
    expect(speed.secondsPerStep()).toBe(1);
    speed.pause();
    speed.step(5, 50_000);
    expect(speed.secondsPerStep()).toBeUndefined();
  });
});
