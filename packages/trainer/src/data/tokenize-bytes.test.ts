import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTrainer,
  decodeText,
  resumeTrainer,
  type TokenizedText,
  type TrainEvent,
  type Trainer,
  TrainingDataError,
  tokenizeBytes,
} from '../index.js';

/** Pseudo-text with 2-, 3- and 4-byte characters among ASCII words, so chunks split them. */
function multibyteText(n: number, seed = 5): string {
  const words = ['the', 'cat', 'é', 'naïve', '中文', '😀', 'dog', 'Ωmega', '🦀rust', 'a'];
  const rng = createRng(seed);
  let text = '';
  while (text.length < n) {
    const word = words[Math.floor(rng() * words.length)] as string;
    text += rng() < 0.1 ? `${word}.\n` : `${word} `;
  }
  return text;
}

/** `bytes` in pieces of `size` (copies, as a file read into a reused buffer would give). */
function* pieces(bytes: Uint8Array, size: number): Iterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function trainedWeights(trainer: Trainer) {
  const events: TrainEvent[] = [];
  for await (const e of trainer.run()) events.push(e);
  const { params, training } = trainer.checkpoint();
  trainer.dispose();
  const strip = (e: TrainEvent) =>
    e.type === 'step'
      ? { ...e, charsPerSec: 0, etaSeconds: 0 }
      : e.type === 'eval'
        ? { ...e, charsPerSec: 0, elapsedSeconds: 0 }
        : e;
  return { events: events.map(strip), params, optimizer: training?.optimizer };
}

const OPTIONS = {
  hiddenSize: 8,
  batchSize: 4,
  seqLength: 16,
  steps: 12,
  evalEvery: 6,
  sampleLength: 10,
  seed: 2,
};

describe('tokenizeBytes', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('a text read in 64-byte chunks trains bit for bit as the same text given whole', async () => {
    const text = `\uFEFF${multibyteText(3000)}`;
    const bytes = new TextEncoder().encode(text);
    const whole = decodeText(bytes);
    const phases = new Set<string>();
    const chunked = await tokenizeBytes(() => pieces(bytes, 64), {
      onProgress: (phase, read) => {
        phases.add(phase);
        expect(read).toBeLessThanOrEqual(bytes.length);
      },
    });
    expect(phases).toEqual(new Set(['characters', 'encoding']));
    // 64 bytes is not a multiple of 3 or 4: characters are split between chunks.
    expect(chunked.ids).toBeInstanceOf(Uint8Array);
    expect(chunked.tokenizer.vocabulary).toEqual(CharTokenizer.fromText(whole).vocabulary);
    expect(Array.from(chunked.ids)).toEqual(
      Array.from(CharTokenizer.fromText(whole).encode(whole)),
    );

    const fromString = await trainedWeights(createTrainer(whole, OPTIONS));
    const fromChunks = await trainedWeights(createTrainer(chunked, OPTIONS));
    expect(fromChunks.events).toEqual(fromString.events);
    expect(fromChunks.params).toEqual(fromString.params);
    expect(fromChunks.optimizer).toEqual(fromString.optimizer);
  });

  it('resumes from a checkpoint with the text tokenised by the checkpoint’s tokenizer', async () => {
    const text = multibyteText(3000, 9);
    const bytes = new TextEncoder().encode(text);
    const a = createTrainer(text, { ...OPTIONS, steps: 6 });
    for await (const _ of a.run());
    const checkpoint = a.checkpoint();
    a.dispose();
    const tokenizer = CharTokenizer.fromJSON(checkpoint.tokenizer);
    const chunked = await tokenizeBytes(() => pieces(bytes, 37), { tokenizer });
    const resumed = await trainedWeights(resumeTrainer(chunked, checkpoint, { steps: 12 }));
    const fromString = await trainedWeights(resumeTrainer(text, checkpoint, { steps: 12 }));
    expect(resumed.params).toEqual(fromString.params);

    const other: TokenizedText = await tokenizeBytes(() => [new TextEncoder().encode('xyz')]);
    expect(() => resumeTrainer(other, checkpoint)).toThrow(/vocabulary of 3 tokens/);
    const lacking = tokenizeBytes(() => pieces(new TextEncoder().encode(`${text}ж`), 64), {
      tokenizer,
    });
    await expect(lacking).rejects.toThrow(/checkpoint's vocabulary lacks: Unknown character/);
  });

  it('refuses what decodeText refuses, naming the text', async () => {
    const fail = (bytes: number[], size = 2) =>
      tokenizeBytes(() => pieces(Uint8Array.from(bytes), size), { name: "'a.txt'" });
    await expect(fail([])).rejects.toThrow(/'a.txt' is empty/);
    await expect(fail([0xef, 0xbb, 0xbf])).rejects.toThrow(/'a.txt' is empty/); // a BOM alone
    await expect(fail([0x41, 0xff, 0x41])).rejects.toThrow(/not UTF-8/);
    await expect(fail([0x41, 0xe4, 0xb8])).rejects.toThrow(/not UTF-8/); // cut inside a character
    await expect(fail([0x41, 0x00])).rejects.toThrow(TrainingDataError);
    const changing = [new TextEncoder().encode('abc'), new TextEncoder().encode('abcd')];
    let pass = 0;
    await expect(tokenizeBytes(() => [changing[pass++] as Uint8Array])).rejects.toThrow(
      /changed while it was read/,
    );
  });
});
