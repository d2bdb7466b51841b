// One regression test per numbered finding of issue 13's hostile-input probe, through the
// built CLI: each file is refused with one line naming what is wrong (exit 1), never read
// outside its folder, never hung on, never garbage with exit 0, never a stack trace.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-hostile-'));
// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON in place
type Json = Record<string, any>;

/** A copy of the base checkpoint with model.json (and optionally the weights) edited. */
function variant(
  name: string,
  edit: (json: Json, weights: Buffer, weightsName: string) => unknown,
) {
  const to = join(dir, name);
  cpSync(join(dir, 'base', 'latest'), to, { recursive: true });
  const weightsName = readdirSync(to).find((f) => f.endsWith('.bin')) as string;
  const json = JSON.parse(readFileSync(join(to, 'model.json'), 'utf8'));
  const weights = edit(json, readFileSync(join(to, weightsName)), weightsName) as
    | Buffer
    | undefined;
  writeFileSync(join(to, 'model.json'), JSON.stringify(json));
  if (weights) writeFileSync(join(to, weightsName), weights);
  return name;
}

const training = (j: Json) => j.userDefinedMetadata.training;
const specs = (j: Json) => j.weightsManifest[0].weights as { name: string; shape: number[] }[];

async function inProcess(...args: string[]) {
  const r = { out: '', err: '', code: 0 as number | null };
  r.code = await runCli(args, {
    out: (t) => {
      r.out += t;
    },
    err: (t) => {
      r.err += t;
    },
  });
  return r;
}

function oneLineFailure(r: { code: number | null; err: string }, pattern: RegExp) {
  expect(r.err).toMatch(pattern);
  expect(r.err).toMatch(/^rnnkit \w+: [^\n]+\n$/);
  expect(r.err.length).toBeLessThan(2200);
  expect(r.code).toBe(1);
}

describe('hostile and careless files (issue 13 findings)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), generatedText(3000));
    writeFileSync(join(dir, 'secret.bin'), Buffer.alloc(64 * 48 * 4 + 4096));
    const r = await rnnkit(
      dir,
      'train',
      'text.txt',
      ...TINY,
      '--checkpoint-dir',
      'base',
      '--steps',
      '2',
      '--eval-every',
      '2',
      '--sample-length',
      '0',
    );
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('1. paths read from files stay inside their folder', () => {
    const cases: [string, (j: Json, w: Buffer, n: string) => void][] = [
      [
        'dotdot',
        (j) => {
          j.weightsManifest[0].paths = ['../../../../etc/passwd'];
        },
      ],
      [
        'absolute',
        (j) => {
          j.weightsManifest[0].paths = ['/etc/passwd'];
        },
      ],
      [
        'devzero',
        (j) => {
          j.weightsManifest[0].paths = ['../../../../dev/zero'];
        },
      ],
      [
        'sibling',
        (j) => {
          j.weightsManifest[0].paths = ['../secret.bin'];
        },
      ],
    ];
    it.concurrent.each(cases)(
      '%s: refused by sample, eval, export and train --resume',
      async (name, edit) => {
        variant(name, edit);
        for (const args of [
          ['sample', name, '--length', '5'],
          ['eval', name, 'text.txt'],
          ['export', name, '--format', 'safetensors', '--out', `${name}.safetensors`],
          ['train', 'text.txt', '--resume', name],
        ]) {
          oneLineFailure(
            await rnnkit(dir, ...args),
            /must stay inside its folder|outside its folder/,
          );
        }
      },
    );

    it('a symlink out of the folder, and a FIFO, are refused without hanging', async () => {
      variant('linked', (j, _w, n) => {
        j.weightsManifest[0].paths = ['link.bin'];
        void n;
      });
      symlinkSync(
        join(
          dir,
          'base',
          'latest',
          readdirSync(join(dir, 'base', 'latest')).find((f) => f.endsWith('.bin')) as string,
        ),
        join(dir, 'linked', 'link.bin'),
      );
      oneLineFailure(await rnnkit(dir, 'sample', 'linked'), /outside its folder/);
      variant('fifo', (j) => {
        j.weightsManifest[0].paths = ['pipe.bin'];
      });
      execFileSync('mkfifo', [join(dir, 'fifo', 'pipe.bin')]);
      oneLineFailure(await rnnkit(dir, 'sample', 'fifo'), /not a regular file/);
    });

    it('tfjs-layers import: a weights path out of the folder or of the wrong type', async () => {
      const e = await rnnkit(dir, 'export', 'base', '--format', 'tfjs-layers', '--out', 'layers');
      expect(e.code, e.err).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, 'layers', 'model.json'), 'utf8'));
      const write = (name: string, edit: (j: Json) => void) => {
        mkdirSync(join(dir, name));
        cpSync(join(dir, 'layers', 'weights.bin'), join(dir, name, 'weights.bin'));
        const j = structuredClone(json);
        edit(j);
        writeFileSync(join(dir, name, 'model.json'), JSON.stringify(j));
      };
      write('layers-out', (j) => {
        j.weightsManifest[0].paths = ['../secret.bin'];
      });
      write('layers-str', (j) => {
        j.weightsManifest[0].paths = 'weights.bin';
      });
      write('layers-obj', (j) => {
        j.weightsManifest = {};
      });
      oneLineFailure(
        await rnnkit(dir, 'import', 'layers-out/model.json', '--out', 'x1'),
        /outside its folder|must stay inside/,
      );
      oneLineFailure(
        await rnnkit(dir, 'import', 'layers-str/model.json', '--out', 'x2'),
        /weightsManifest is malformed/,
      );
      oneLineFailure(
        await rnnkit(dir, 'import', 'layers-obj/model.json', '--out', 'x3'),
        /weightsManifest is malformed/,
      );

      // 3. a declared dtype that is not the bytes' own: refused, never garbage with exit 0
      write('layers-int32', (j) => {
        for (const w of j.weightsManifest[0].weights) w.dtype = 'int32';
      });
      oneLineFailure(
        await rnnkit(dir, 'import', 'layers-int32/model.json', '--out', 'x4'),
        /float32/,
      );
    });
  });

  it('4. sizes are checked before anything is allocated', async () => {
    variant('huge-hidden', (j) => {
      j.modelTopology.model.hiddenSize = 8000;
    });
    variant('huge-layers', (j) => {
      j.modelTopology.model.numLayers = 100000;
    });
    const t0 = performance.now();
    oneLineFailure(
      await rnnkit(dir, 'sample', 'huge-hidden'),
      /too large to load: the model would have \d+ weights, above the limit/,
    );
    oneLineFailure(await rnnkit(dir, 'sample', 'huge-layers'), /numLayers/);
    expect(performance.now() - t0).toBeLessThan(60_000);
  });

  describe('6 and 7. malformed and junk training states are refused', () => {
    const cases: [string, (j: Json, w: Buffer) => unknown, RegExp][] = [
      [
        'initial-loss',
        (j) => {
          training(j).initialLoss = 'abc';
        },
        /initialLoss/,
      ],
      [
        'elapsed',
        (j) => {
          training(j).elapsedSeconds = 'abc';
        },
        /elapsedSeconds/,
      ],
      [
        'config-hidden',
        (j) => {
          training(j).config.hiddenSize = 32;
        },
        /hiddenSize 32 but its model has 16/,
      ],
      [
        'h-rank',
        (j) => {
          const h = specs(j).find((s) => s.name === 'state/h') as { shape: number[] };
          h.shape = [h.shape[0] as number, (h.shape[1] as number) * (h.shape[2] as number)];
        },
        /'state\/h' has shape/,
      ],
      [
        'no-c',
        (j, w) => {
          // Cut state/c out of the manifest and the bytes: an LSTM state without its cell.
          let offset = 0;
          const list = specs(j);
          const at = list.findIndex((s) => s.name === 'state/c');
          for (const s of list.slice(0, at)) offset += 4 * s.shape.reduce((a, b) => a * b, 1);
          const bytes = 4 * (list[at] as { shape: number[] }).shape.reduce((a, b) => a * b, 1);
          list.splice(at, 1);
          return Buffer.concat([w.subarray(0, offset), w.subarray(offset + bytes)]);
        },
        /lacks 'state\/c'/,
      ],
      [
        'proto',
        (j) => {
          // An own "__proto__" key in the file, as JSON.parse would create it.
          for (const at of [j, j.modelTopology.model, j.userDefinedMetadata.training]) {
            Object.defineProperty(at, '__proto__', {
              value: { polluted: true, hiddenSize: 99 },
              enumerable: true,
            });
          }
        },
        /.^/,
      ],
    ];
    it.concurrent.each(cases)('%s', async (name, edit, pattern) => {
      variant(name, edit);
      const r = await rnnkit(dir, 'train', 'text.txt', '--resume', name, '--steps', '4');
      if (name === 'proto') {
        // A __proto__ key is dropped, never merged into a prototype: the checkpoint still loads.
        expect(r.code, r.err).toBe(0);
        return;
      }
      oneLineFailure(r, pattern);
      // Nothing was carried into a new checkpoint: the folder still holds the junk as it was.
      expect(readdirSync(join(dir, name))).toContain('model.json');
    });

    it('a text with one distinct character', async () => {
      writeFileSync(join(dir, 'same.txt'), 'a'.repeat(5000));
      oneLineFailure(
        await rnnkit(dir, 'train', 'same.txt', ...TINY, '--checkpoint-dir', 'same'),
        /only one distinct character/,
      );
    });
  });

  it('6. command names every JS object has are unknown commands', async () => {
    for (const args of [
      ['constructor'],
      ['__proto__'],
      ['toString'],
      ['help', 'toString'],
      ['help', '__proto__'],
    ]) {
      const r = await inProcess(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /^rnnkit: unknown command '[^']+'(; did you mean '\w+'\?|\.) Commands: /,
      );
    }
  });

  it('5. an --out under a file is one line, not a stack trace', async () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    for (const format of ['safetensors', 'tfjs-layers']) {
      const r = await rnnkit(dir, 'export', 'base', '--format', format, '--out', 'plain-file/m');
      oneLineFailure(r, /Cannot write 'plain-file\/m[^']*': a file is in the way/);
    }
  });

  it('9. a safetensors file whose metadata asks for 100000 layers: a short error', async () => {
    const e = await rnnkit(
      dir,
      'export',
      'base',
      '--format',
      'safetensors',
      '--out',
      'st/m.safetensors',
    );
    expect(e.code, e.err).toBe(0);
    const side = JSON.parse(readFileSync(join(dir, 'st', 'm.rnnkit.json'), 'utf8'));
    side.model.numLayers = 100000;
    writeFileSync(join(dir, 'st', 'm.rnnkit.json'), JSON.stringify(side));
    oneLineFailure(
      await rnnkit(dir, 'import', 'st/m.safetensors', '--out', 'st-out'),
      /numLayers 100000 is above the limit of 64/,
    );
  });
});
