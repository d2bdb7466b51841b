// Fuzzing the safetensors reader: thousands of corrupted files must each end in a named error
// or in a model whose every value is the original, except values whose own bytes were altered.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../../create-recurrent.js';
import { SafetensorsError, WeightFormatError } from '../../errors.js';
import { createLinear as linear } from '../../layers/linear.js';
import { recurrentParams } from '../../recurrent.js';
import { loadParamsStateDict, paramsStateDict } from '../state-dict.js';
import { readSafetensors } from './read.js';
import { writeSafetensors } from './write.js';

type Mutation = { bytes: Uint8Array; touched: Set<number> };

/** One random corruption of `file`; `touched` lists altered byte positions when bytes kept their place. */
function mutate(file: Uint8Array, rng: () => number, headerEnd: number): Mutation {
  const pick = (n: number) => Math.floor(rng() * n);
  const bytes = file.slice();
  const touched = new Set<number>();
  switch (pick(7)) {
    case 0: // flip a few random bytes anywhere
    case 1:
      for (let k = 1 + pick(3); k > 0; k--) {
        const i = pick(bytes.length);
        bytes[i] = (bytes[i] as number) ^ (1 + pick(255));
        touched.add(i);
      }
      return { bytes, touched };
    case 2: // flip a byte inside the header (JSON text or length field)
      {
        const i = pick(headerEnd);
        bytes[i] = (bytes[i] as number) ^ (1 << pick(8));
        return { bytes, touched };
      }
    case 3: // truncate
      return { bytes: bytes.subarray(0, pick(bytes.length)), touched };
    case 4: {
      // insert random bytes
      const at = pick(bytes.length + 1);
      const extra = Uint8Array.from({ length: 1 + pick(9) }, () => pick(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, at));
      out.set(extra, at);
      out.set(bytes.subarray(at), at + extra.length);
      return { bytes: out, touched };
    }
    case 5:
      return { bytes: mutateHeader(file, rng, headerEnd), touched };
    default: {
      // rewrite the header length with a random u64
      const view = new DataView(bytes.buffer);
      view.setUint32(0, pick(2 ** 32), true);
      if (rng() < 0.3) view.setUint32(4, pick(4), true);
      return { bytes, touched };
    }
  }
}

/** A well-formed file whose header has one field changed: offsets, shape, dtype or names. */
function mutateHeader(file: Uint8Array, rng: () => number, headerEnd: number): Uint8Array {
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, headerEnd)));
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = names[Math.floor(rng() * names.length)] as string;
  const entry = header[name];
  const step = 1 + Math.floor(rng() * 8);
  switch (Math.floor(rng() * 6)) {
    case 0:
      entry.data_offsets[Math.floor(rng() * 2)] += rng() < 0.5 ? step : -step;
      break;
    case 1:
      entry.shape[Math.floor(rng() * entry.shape.length)] += 1;
      break;
    case 2:
      entry.dtype = ['F16', 'F64', 'I32', 'BF16', 'U8', 'X'][Math.floor(rng() * 6)];
      break;
    case 3:
      delete header[name];
      break;
    case 4:
      header[`${name}x`] = entry;
      delete header[name];
      break;
    default:
      header.__metadata__ = rng() < 0.5 ? { format: 'np' } : { n: step };
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const data = file.subarray(headerEnd);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

// 3000 mutations take about 2 s on an idle machine and 10+ s on a busy 2-core one: the timeout
// is explicit and generous rather than vitest's 5 s default, so a loaded machine does not fail it.
describe('safetensors reader under fuzzing', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('never crashes and never loads silently altered weights (3000 mutations)', () => {
    const rnn = createRecurrent(
      { cell: 'lstm', inputSize: 3, hiddenSize: 2, numLayers: 2 },
      { seed: 1 },
    );
    const fc = linear(2, 4, { seed: 3 });
    const params: Record<string, tf.Variable> = {
      ...Object.fromEntries(Object.entries(recurrentParams(rnn)).map(([k, v]) => [`rnn.${k}`, v])),
      'fc.weight': fc.weight,
      'fc.bias': fc.bias,
    };
    const original = paramsStateDict(params);
    const file = writeSafetensors(original, { format: 'pt' });
    const headerEnd = 8 + new DataView(file.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, headerEnd)));
    const rng = createRng(2024);
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < 3000; trial++) {
      const { bytes, touched } = mutate(file, rng, headerEnd);
      let outcome: string;
      try {
        loadParamsStateDict(params, readSafetensors(bytes).arrays, '', 'the fuzz model');
        outcome = 'loaded';
      } catch (error) {
        if (error instanceof SafetensorsError) outcome = error.code;
        else if (error instanceof WeightFormatError) outcome = 'weights';
        else throw new Error(`trial ${trial}: unnamed error ${String(error)}`);
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (outcome !== 'loaded') continue;
      // Loaded: every value must be the original unless its own four bytes were altered
      // (data corruption that keeps numbers finite is undetectable without a checksum).
      for (const [name, v] of Object.entries(params)) {
        const now = v.dataSync();
        const begin = headerEnd + header[name].data_offsets[0];
        now.forEach((x, i) => {
          const own = [0, 1, 2, 3].some((b) => touched.has(begin + 4 * i + b));
          if (!own) expect([trial, name, i, x]).toEqual([trial, name, i, original[name]?.data[i]]);
        });
      }
      loadParamsStateDict(params, original); // restore for the next trial
    }
    // The corpus must reach the interesting branches, not just one error.
    for (const code of ['loaded', 'weights', 'header-json', 'header-length', 'truncated']) {
      expect(outcomes[code] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(0);
    }
    tf.dispose(Object.values(params));
  });
});
