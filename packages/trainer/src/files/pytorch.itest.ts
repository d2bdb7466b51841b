// The PyTorch round trip for real (slow; `pnpm test:pytorch`): rnnkit exports, Debian's
// PyTorch (/usr/bin/python3) rebuilds the model with examples/pytorch and compares logits;
// PyTorch-initialised and DDP-trained (torchrun, gloo, 2 processes) weights come back.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@rnnkit/backend';
import {
  bidirectionalParams,
  type CellType,
  createBidirectional,
  disposeBidirectional,
  loadParamsStateDict,
  paramsStateDict,
  readSafetensors,
  runBidirectional,
  writeSafetensors,
} from '@rnnkit/cells';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CharLM, charLMLogits, createCharLM, disposeCharLM } from '../models/char-lm.js';
import { charLMFromPortable, portableCharLM } from './portable-char-lm.js';
import { charLMFromSafetensors, charLMToSafetensors, sidecarPath } from './safetensors-char-lm.js';

const PYTHON = process.env.RNNKIT_PYTHON ?? '/usr/bin/python3';
const EXAMPLE = fileURLToPath(new URL('../../../../examples/pytorch/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-pytorch-'));
const agreement: Record<string, number> = {};

function python(args: string[], timeout = 120_000): string {
  return execFileSync(PYTHON, args, {
    cwd: EXAMPLE,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
}

function logits(model: CharLM, ids: number[][]): { array: number[][][]; tensor: tf.Tensor3D } {
  const tensor = tf.tidy(() => charLMLogits(model, tf.tensor2d(ids, undefined, 'int32')).logits);
  return { array: tensor.arraySync(), tensor };
}

function maxDiff(model: CharLM, probe: { ids: number[][]; logits: number[][][] }): number {
  const { tensor } = logits(model, probe.ids);
  const d = tf.tidy(
    () => tf.max(tf.abs(tf.sub(tensor, tf.tensor3d(probe.logits)))).dataSync()[0] as number,
  );
  tensor.dispose();
  return d;
}

function save(model: CharLM, tokenizer: CharTokenizer, file: string): void {
  const { bytes, sidecar } = charLMToSafetensors(portableCharLM(model, tokenizer));
  writeFileSync(file, bytes);
  writeFileSync(sidecarPath(file), JSON.stringify(sidecar));
}

function load(file: string): ReturnType<typeof charLMFromPortable> {
  const sidecar = JSON.parse(readFileSync(sidecarPath(file), 'utf8'));
  return charLMFromPortable(charLMFromSafetensors(readFileSync(file), sidecar, file));
}

describe('PyTorch round trip', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    try {
      python(['-c', 'import torch']);
    } catch {
      throw new Error(
        `${PYTHON} cannot import torch: apt-get install -y python3-torch (Debian), or set RNNKIT_PYTHON.`,
      );
    }
  });
  afterAll(() => {
    console.log(`max |rnnkit - PyTorch| logits: ${JSON.stringify(agreement, null, 1)}`);
    if (!process.env.RNNKIT_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  });

  const tokenizer = CharTokenizer.fromText('hihello', { order: 'first-seen' });
  const cases = (['rnn', 'lstm', 'gru'] as CellType[]).flatMap((cell) =>
    (['onehot', 'embedding'] as const).map((input) => ({ cell, input })),
  );

  it.each(cases)('rnnkit → PyTorch: 2-layer $cell, $input input', ({ cell, input }) => {
    const model = createCharLM(
      { vocabSize: 5, cell, hiddenSize: 6, numLayers: 2, input, embeddingDim: 3 },
      { seed: 11 },
    );
    const file = join(dir, `rnnkit-${cell}-${input}.safetensors`);
    save(model, tokenizer, file);
    const ids = [
      [0, 1, 0, 2, 3, 3, 4, 1],
      [4, 4, 3, 2, 1, 0, 2, 2],
    ];
    const { array, tensor } = logits(model, ids);
    tensor.dispose();
    writeFileSync(`${file}.probe.json`, JSON.stringify({ ids, logits: array }));
    const out = JSON.parse(
      python(['rnnkit_torch.py', 'check', file, `${file}.probe.json`, '--tolerance', '1e-5']),
    );
    agreement[`rnnkit->torch ${cell} ${input}`] = out.max_abs_diff;
    expect(out.max_abs_diff).toBeLessThan(1e-5);
    disposeCharLM(model);
  });

  it.each(cases)('PyTorch → rnnkit: 2-layer $cell, $input input', ({ cell, input }) => {
    const file = join(dir, `torch-${cell}-${input}.safetensors`);
    python([
      'rnnkit_torch.py',
      'init',
      file,
      '--cell',
      cell,
      '--input',
      input,
      '--layers',
      '2',
      '--vocab',
      '7',
      '--hidden',
      '6',
    ]);
    const { model, tokenizer: tok } = load(file);
    expect(tok?.vocabSize).toBe(7);
    const d = maxDiff(model, JSON.parse(readFileSync(`${file}.probe.json`, 'utf8')));
    agreement[`torch->rnnkit ${cell} ${input}`] = d;
    expect(d).toBeLessThan(1e-5);
    disposeCharLM(model);
  });

  it.each(['rnn', 'lstm', 'gru'] as CellType[])(
    'bidirectional 2-layer %s (_reverse names) both ways',
    (cell) => {
      const config = { cell, inputSize: 3, hiddenSize: 4, numLayers: 2, merge: 'concat' as const };
      const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 9) as tf.Tensor3D;
      const probe = {
        cell,
        inputSize: 3,
        hiddenSize: 4,
        numLayers: 2,
        bidirectional: true,
        x: x.arraySync(),
      };
      // rnnkit -> PyTorch
      const bi = createBidirectional(config, { seed: 5, init: 'pytorch' });
      const file = join(dir, `bi-${cell}.safetensors`);
      writeFileSync(file, writeSafetensors(paramsStateDict(bidirectionalParams(bi), 'rnn.')));
      const ours = runBidirectional(bi, x).outputs;
      writeFileSync(`${file}.json`, JSON.stringify({ ...probe, outputs: ours.arraySync() }));
      const out = JSON.parse(python(['rnnkit_torch.py', 'rnn', file, `${file}.json`]));
      agreement[`rnnkit->torch bidirectional ${cell}`] = out.max_abs_diff;
      expect(out.max_abs_diff).toBeLessThan(1e-5);
      // PyTorch -> rnnkit
      const back = join(dir, `bi-torch-${cell}.safetensors`);
      writeFileSync(`${back}.json`, JSON.stringify(probe));
      python(['rnnkit_torch.py', 'rnn', back, `${back}.json`, '--write']);
      loadParamsStateDict(
        bidirectionalParams(bi),
        readSafetensors(readFileSync(back)).arrays,
        'rnn.',
      );
      const theirs = JSON.parse(readFileSync(`${back}.json`, 'utf8')).outputs;
      const got = runBidirectional(bi, x).outputs;
      const d = tf.tidy(
        () => tf.max(tf.abs(tf.sub(got, tf.tensor3d(theirs)))).dataSync()[0] as number,
      );
      agreement[`torch->rnnkit bidirectional ${cell}`] = d;
      expect(d).toBeLessThan(1e-5);
      tf.dispose([x, ours, got]);
      disposeBidirectional(bi);
    },
  );

  it('DDP: torchrun trains the exported model on 2 gloo processes; rnnkit imports the result', () => {
    const text = 'hihello hihello if you want you hihello if you want you '.repeat(4);
    const tok = CharTokenizer.fromText(text);
    const model = createCharLM(
      { vocabSize: tok.vocabSize, cell: 'lstm', hiddenSize: 16 },
      { seed: 3 },
    );
    const file = join(dir, 'ddp-in.safetensors');
    const out = join(dir, 'ddp-out.safetensors');
    save(model, tok, file);
    writeFileSync(join(dir, 'text.txt'), text);
    const ids = [Array.from(tok.encode('hihello if you'))];
    writeFileSync(join(dir, 'probe.json'), JSON.stringify({ ids }));
    // torchrun's standalone rendezvous has been seen to hang once in many runs (5 minutes, on an
    // idle machine): a run that does not finish in 150 s is started once more.
    const torchrun = () =>
      execFileSync(
        '/usr/bin/torchrun',
        [
          '--standalone',
          '--nproc_per_node=2',
          '--redirects',
          '1',
          '--tee',
          '1',
          'train_ddp.py',
          file,
          join(dir, 'text.txt'),
          '--out',
          out,
          '--steps',
          '60',
          '--lr',
          '0.02',
          '--probe',
          join(dir, 'probe.json'),
        ],
        {
          cwd: EXAMPLE,
          encoding: 'utf8',
          timeout: 150_000,
          env: { ...process.env, OMP_NUM_THREADS: '1' },
        },
      );
    let log: string;
    try {
      log = torchrun();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw error;
      log = torchrun();
    }
    const summary = JSON.parse(
      log
        .split('\n')
        .filter((l) => l.includes('world_size'))
        .at(-1)
        ?.replace(/^\[default0\]:/, '') ?? '{}',
    );
    expect(summary.world_size).toBe(2);
    expect(summary.last_loss).toBeLessThan(summary.first_loss * 0.8);
    const trained = load(out);
    expect(trained.tokenizer?.vocabulary).toEqual(tok.vocabulary);
    const d = maxDiff(trained.model, JSON.parse(readFileSync(`${out}.probe.json`, 'utf8')));
    agreement['torch DDP-trained lstm -> rnnkit'] = d;
    expect(d).toBeLessThan(1e-5);
    expect(maxDiff(model, JSON.parse(readFileSync(`${out}.probe.json`, 'utf8')))).toBeGreaterThan(
      1e-2,
    ); // it did train
    disposeCharLM(model);
    disposeCharLM(trained.model);
  }, 320_000);
});
