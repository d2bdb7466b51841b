// The JSON-lines protocol between the bench and python/torch_runner.py (its docstring is the
// reference): one request per line on the child's stdin, one reply per line on its stdout.
import type { BenchConfig } from './configs.js';

/** What the runner says about itself: versions, the BLAS it mapped, its default threads. */
export interface TorchHello {
  torch: string;
  python: string;
  defaultThreads: number;
  /** e.g. "OpenBLAS 0.3.21 openmp Haswell", "reference BLAS" or "unknown". */
  blas: string;
  blasLibrary: string | null;
  blasConfig: string | null;
}

export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** rnnkit's weights by PyTorch `state_dict` name, as plain arrays. */
export type WeightsJson = Record<string, { shape: number[]; data: number[] }>;

export type TorchRequest =
  | { op: 'hello' }
  | ({
      op: 'build';
      vocab: number;
      threads: number;
      seed: number;
      /** train: [batch, seqLength + 1] ids; sample: the priming ids. */
      ids: number[][] | number[];
      adam?: AdamSettings;
      weights?: WeightsJson;
    } & BenchConfig)
  | { op: 'steps'; model: number; count: number }
  | { op: 'turn'; model: number; ms: number }
  | { op: 'free'; model: number }
  | { op: 'quit' };

export interface StepsReply {
  chars: number;
  ms: number;
  /** Loss before each update (null when sampling). */
  losses: (number | null)[];
}

export interface TurnReply {
  steps: number;
  chars: number;
  ms: number;
  peakRssMb: number;
}

/** A failure the runner reported, or a reply the bench cannot read. */
export class TorchProtocolError extends Error {
  override name = 'TorchProtocolError';
}

/** One request line, numbered so that a reply can be matched with its request. */
export function encodeRequest(id: number, request: TorchRequest): string {
  return `${JSON.stringify({ id, ...request })}\n`;
}

/**
 * Reads one reply line: its id and payload, or a `TorchProtocolError` for a line that is not
 * a JSON object with an id and `ok` (a stray print in the child), or for `ok: false`.
 */
export function parseReply(line: string): { id: number | null; body: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TorchProtocolError(`torch runner wrote a line that is not JSON: ${clip(line)}`);
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value) || !('ok' in value)) {
    throw new TorchProtocolError(`torch runner wrote a reply without 'ok': ${clip(line)}`);
  }
  const { id, ok, ...body } = value as { id?: unknown; ok: unknown };
  if (ok !== true) {
    const error = typeof body === 'object' && 'error' in body ? String(body.error) : clip(line);
    throw new TorchProtocolError(`torch runner: ${error}`);
  }
  return { id: typeof id === 'number' ? id : null, body };
}

/**
 * Splits a byte stream into lines, keeping the unfinished tail for the next chunk.
 *
 * @example
 * ```ts
 * const split = lineSplitter((line) => console.log(line));
 * split('{"ok":'); split('true}\n'); // logs {"ok":true}
 * ```
 */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let tail = '';
  return (chunk) => {
    tail += chunk;
    let nl = tail.indexOf('\n');
    while (nl >= 0) {
      const line = tail.slice(0, nl).trim();
      tail = tail.slice(nl + 1);
      if (line) onLine(line);
      nl = tail.indexOf('\n');
    }
  };
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
