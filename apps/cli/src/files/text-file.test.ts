import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { createTrainer, type Trainer } from '@rnnkit/trainer';
import { afterAll, describe, expect, it } from 'vitest';
import { rnnkit, TINY } from '../test-support/run-cli.js';
import { readTextFile, tokenizeTextFile } from './text-file.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-text-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('text files read in passes', { timeout: 120_000 }, () => {
  it('trains bit for bit as on the whole file when read 64 bytes at a time', async () => {
    const path = join(dir, 'multibyte.txt');
    // 2-, 3- and 4-byte characters after a byte-order mark: 64-byte reads split them.
    writeFileSync(path, `\uFEFF${'naïve 中文 😀 Ωmega\n'.repeat(200)}`);
    const text = await readTextFile(path);
    const whole = CharTokenizer.fromText(text);
    const chunked = await tokenizeTextFile(path, { chunkSize: 64 });
    expect(chunked.tokenizer.vocabulary).toEqual(whole.vocabulary);
    expect(chunked.ids).toBeInstanceOf(Uint8Array);
    expect(Array.from(chunked.ids)).toEqual(Array.from(whole.encode(text)));

    await initBackend({ backend: 'cpu' });
    const options = { hiddenSize: 8, batchSize: 4, seqLength: 16, steps: 8, evalEvery: 4, seed: 4 };
    const trained = async (trainer: Trainer) => {
      const losses: number[] = [];
      for await (const e of trainer.run()) {
        if (e.type === 'step') losses.push(e.loss);
        if (e.type === 'eval') losses.push(e.valLoss as number);
      }
      const { params } = trainer.checkpoint();
      trainer.dispose();
      return { losses, params };
    };
    expect(await trained(createTrainer(chunked, options))).toEqual(
      await trained(createTrainer(text, options)),
    );
  });

  it('names a file that is not UTF-8, however it is cut', async () => {
    const path = join(dir, 'latin1.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('a'.repeat(100)), Buffer.from([0xe9, 0x41])]));
    await expect(tokenizeTextFile(path, { chunkSize: 64 })).rejects.toThrow(
      /'.*latin1.txt' is not UTF-8 text/,
    );
  });

  it('shows the progress of every pass over a large file, with --json output pure data', async () => {
    const path = join(dir, 'large.txt');
    const line = 'the cat sat on a mat and saw a dog run.\n';
    writeFileSync(path, line.repeat(Math.ceil((33 * 2 ** 20) / line.length)));
    const r = await rnnkit(
      dir,
      'train',
      'large.txt',
      ...TINY,
      '--steps',
      '1',
      '--val-fraction',
      '0',
      '--sample-length',
      '0',
      '--json',
      '--checkpoint-dir',
      'large-run',
    );
    expect(r.code).toBe(0);
    for (const phase of ['Collecting the characters of', 'Encoding']) {
      expect(r.err).toContain(`${phase} 'large.txt': 100% (33 of 33 MB)`);
      expect(r.err).toMatch(new RegExp(`${phase} 'large.txt': [1-9]\\d?% `));
    }
    const records = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(records[0]).toMatchObject({ type: 'start', model: { vocabSize: new Set(line).size } });
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'completed' });
  });
});
