// PyTorch's side of `pnpm bench:quality` (python/quality.py) lays the text out as rnnkit does
// (vocabulary, train/validation split, streams and windows), so the two validation losses
// measure the same thing. Needs /usr/bin/python3 with torch; skipped, with the reason, without.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { splitText } from '@rnnkit/trainer';
import { describe, expect, it } from 'vitest';
import { pythonPath, TORCH_QUALITY, torchMissing } from './start-torch.js';

const missing = torchMissing();

describe.skipIf(missing)(`quality.py${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('splits, streams and windows a text exactly as rnnkit does, and learns it', () => {
    // Multibyte characters, an uneven length: the split's rounding and the stream layout matter.
    // Mostly a cycle through the letters (learnable), one letter in ten drawn at random.
    let seed = 3;
    const letters = 'abcdeé ñ\nxyz€';
    let text = '';
    let at = 0;
    for (let i = 0; i < 9_001; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      at = (seed >>> 8) % 10 === 0 ? (seed >>> 16) % letters.length : (at + 1) % letters.length;
      text += letters[at];
    }
    const file = join(mkdtempSync(join(tmpdir(), 'rnnkit-quality-')), 'text.txt');
    writeFileSync(file, text);
    const [B, T] = [5, 13];
    const out = execFileSync(
      pythonPath(),
      [
        TORCH_QUALITY,
        file,
        '--steps',
        '30',
        '--eval-every',
        '30',
        '--hidden',
        '16',
        '--layers',
        '1',
        '--batch',
        String(B),
        '--seq-length',
        String(T),
        '--lr',
        '0.01',
        '--val-fraction',
        '0.07',
      ],
      { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    const tokenizer = CharTokenizer.fromText(text);
    const ids = tokenizer.encode(text);
    const split = splitText(ids, { batchSize: B, seqLength: T, valFraction: 0.07 });
    expect(r.vocab).toBe(tokenizer.vocabSize);
    expect(r.trainWindows).toBe(split.train.windows);
    expect(r.valStreams).toBe(split.val?.streams);
    expect(r.valChars).toBe(split.valChars);
    expect(r.lastValTarget).toBe(ids[ids.length - 1]);
    // Window 0 of stream b starts at b · windows · T (rnnkit's textStreams).
    const stream = split.train.windows * T;
    const firstWindow = Array.from({ length: B }, (_, b) =>
      Array.from(ids.subarray(b * stream, b * stream + 4)),
    );
    expect(r.firstWindow).toEqual(firstWindow);
    // 60 steps of Adam: well below the uniform loss ln(13) = 2.56 (the text's own is about 0.6).
    expect(r.valLoss).toBeLessThan(2.0);
    expect(r.threads).toBe(1);
  }, 150_000);
});
