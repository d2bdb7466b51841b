// Small formatting helpers for the status line and the lecture log.

/** The lecture's log line: `<i> loss: <loss> prediction: <text>`. */
export function lectureLine(step: number, loss: number, prediction: string): string {
  return `${step} loss: ${loss.toFixed(4)} prediction: ${prediction}`;
}

/** Seconds as `1 h 02 min`, `3 min 05 s` or `12 s`; `–` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Throughput with thousands separators: `12 345 chars/s`. */
export function formatRate(charsPerSec: number): string {
  if (!Number.isFinite(charsPerSec) || charsPerSec <= 0) return '–';
  return `${Math.round(charsPerSec).toLocaleString('en-US').replace(/,/g, ' ')} chars/s`;
}

/** Bytes as `1.2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A character as the inside view labels it: visible names for whitespace. */
export function showChar(ch: string): string {
  if (ch === ' ') return '␣';
  if (ch === '\n') return '↵';
  if (ch === '\t') return '⇥';
  return ch;
}

/**
 * A diverging colour for a hidden unit's value in [-1, 1]: blue for negative, white at 0,
 * red for positive (tanh-bounded states; larger values are clamped).
 */
export function heatColor(value: number): [number, number, number] {
  const v = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const t = Math.abs(v);
  const [r, g, b] = v >= 0 ? [202, 0, 32] : [5, 113, 176];
  return [
    Math.round(255 + (r - 255) * t),
    Math.round(255 + (g - 255) * t),
    Math.round(255 + (b - 255) * t),
  ];
}

/** What the backend line says: what is active, and why SIMD or threads are not. */
export function backendNote(
  s: {
    name: string;
    simd: boolean;
    threads: number;
    crossOriginIsolated: boolean;
    hardwareConcurrency: number;
  },
  requestedThreads: number,
): string {
  if (s.name === 'cpu') {
    return 'cpu backend: plain JavaScript, no SIMD and no threads. Switch to wasm for about 5–10× the speed.';
  }
  const simd = s.simd
    ? 'SIMD on'
    : 'SIMD off (this browser has no WebAssembly SIMD, so tfjs loads its plain build)';
  let threads: string;
  if (s.threads > 1) threads = `${s.threads} threads`;
  else if (!s.crossOriginIsolated) {
    threads =
      '1 thread: the page is not cross-origin isolated (COOP/COEP headers missing), so tfjs loads its SIMD-only build';
  } else if (requestedThreads > 1) {
    threads = `1 thread: tfjs caps the pool at half the reported cores (navigator.hardwareConcurrency = ${s.hardwareConcurrency})`;
  } else {
    threads =
      "1 thread (threads are available here; rnnkit's small per-step matrix products measured slower with more)";
  }
  return `wasm backend: ${simd}, ${threads}.`;
}

/** The status line's account of the data-parallel threads a run trains on, and why. */
export function workersNote(s: {
  workers: number;
  requested: 'auto' | number;
  reason: 'set' | 'auto' | 'auto-small' | 'one-core' | 'not-isolated' | 'batch';
}): string {
  const n = s.workers === 1 ? '1 worker' : `${s.workers} workers`;
  switch (s.reason) {
    case 'set':
      return `Training on ${n}, as set.`;
    case 'auto':
      return `Training on ${n} (auto: one per core; the model is large enough for the hand-over to pay).`;
    case 'auto-small':
      return `Training on 1 worker (auto: this model is too small for a second thread to pay for the hand-over; LSTM h128 B32 T64 is large enough).`;
    case 'one-core':
      return 'Training on 1 worker (auto: the browser reports one core).';
    case 'not-isolated':
      return 'Training on 1 worker: the page is not cross-origin isolated, so sub-workers would have no shared memory.';
    case 'batch':
      return `Training on ${n}: the batch has fewer streams than the ${s.requested} workers asked.`;
  }
}
