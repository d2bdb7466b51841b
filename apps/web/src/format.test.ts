import { describe, expect, it } from 'vitest';
import {
  backendNote,
  formatDuration,
  formatRate,
  heatColor,
  lectureLine,
  showChar,
  workersNote,
} from './format.js';

describe('format', () => {
  it("writes the lecture's log line", () => {
    expect(lectureLine(12, 0.123456, 'ihello')).toBe('12 loss: 0.1235 prediction: ihello');
  });

  it('formats durations, rates and characters', () => {
    expect(formatDuration(5.4)).toBe('5 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatRate(12345.6)).toBe('12 346 chars/s');
    expect(formatRate(0)).toBe('–');
    expect([' ', '\n', 'a'].map(showChar)).toEqual(['␣', '↵', 'a']);
  });

  it('maps hidden values to a diverging scale, white at zero, clamped at ±1', () => {
    expect(heatColor(0)).toEqual([255, 255, 255]);
    expect(heatColor(1)).toEqual([202, 0, 32]);
    expect(heatColor(-3)).toEqual([5, 113, 176]);
    expect(heatColor(Number.NaN)).toEqual([255, 255, 255]);
  });
});

describe('backendNote', () => {
  const base = { simd: true, threads: 1, crossOriginIsolated: true, hardwareConcurrency: 2 };
  it('says why threads are off', () => {
    expect(backendNote({ ...base, name: 'wasm', crossOriginIsolated: false }, 2)).toMatch(
      /not cross-origin isolated/,
    );
    expect(backendNote({ ...base, name: 'wasm' }, 4)).toMatch(
      /caps the pool at half the reported cores \(navigator.hardwareConcurrency = 2\)/,
    );
    expect(backendNote({ ...base, name: 'wasm', threads: 2 }, 2)).toBe(
      'wasm backend: SIMD on, 2 threads.',
    );
    expect(backendNote({ ...base, name: 'wasm', simd: false }, 1)).toMatch(/SIMD off/);
    expect(backendNote({ ...base, name: 'cpu' }, 1)).toMatch(/^cpu backend/);
  });
});

describe('workersNote', () => {
  it('says how many workers train and why', () => {
    expect(workersNote({ workers: 2, requested: 'auto', reason: 'auto' })).toMatch(
      /^Training on 2 workers \(auto: one per core/,
    );
    expect(workersNote({ workers: 1, requested: 'auto', reason: 'auto-small' })).toMatch(
      /1 worker \(auto: this model is too small/,
    );
    expect(workersNote({ workers: 2, requested: 2, reason: 'set' })).toBe(
      'Training on 2 workers, as set.',
    );
    expect(workersNote({ workers: 1, requested: 2, reason: 'not-isolated' })).toMatch(
      /not cross-origin isolated/,
    );
    expect(workersNote({ workers: 1, requested: 2, reason: 'batch' })).toMatch(/fewer streams/);
  });
});
