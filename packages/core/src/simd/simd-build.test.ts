import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simdWasmBytes, stepperWasmBytes } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Each module build.sh makes: its file, what the loader embeds, and its exports. */
const MODULES = [
  {
    name: 'rnnkit-simd',
    embedded: simdWasmBytes,
    exports: [
      'lstm_forward',
      'lstm_backward',
      'gru_forward',
      'gru_backward',
      'rnn_forward',
      'rnn_backward',
      'add_f32',
      'adam_step',
      'sum_squares',
      'softmax_rows',
      'transpose_f32',
      'softmax_xent_grad',
      'swap_lead_f32',
      'gemm_pack_b',
      'gemm_packed',
      'recurrent_forward',
      'recurrent_backward',
    ],
  },
  { name: 'rnnkit-stepper', embedded: stepperWasmBytes, exports: ['stepper_step'] },
];

/** The ids of a wasm binary's sections, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++] as number);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++] as number;
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    at += size;
  }
  return ids;
}

function clang(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v clang-14 || command -v clang'], {
    encoding: 'utf8',
  });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

describe.each(MODULES)('the committed $name.wasm', ({ name, embedded, exports }) => {
  const committed = readFileSync(join(here, `${name}.wasm`));

  it('is what the loader embeds', () => {
    expect(Buffer.from(embedded()).equals(committed)).toBe(true);
  });

  it('imports only a memory and writes none of it by itself (no data, no start function)', () => {
    const ids = sectionIds(committed);
    expect(ids).not.toContain(11); // data
    expect(ids).not.toContain(12); // data count
    expect(ids).not.toContain(8); // start
    const module = new WebAssembly.Module(committed);
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual(exports);
  });

  const cc = clang();
  it.skipIf(cc === undefined)(
    'matches its C source (rebuilt here, where clang is present)',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'rnnkit-simd-'));
      try {
        const built = spawnSync('sh', [join(here, '../../csrc/build.sh'), out], {
          encoding: 'utf8',
          env: { ...process.env, CLANG: cc },
        });
        expect(built.stderr).toBe('');
        expect(built.status).toBe(0);
        const rebuilt = readFileSync(join(out, `${name}.wasm`));
        const version = spawnSync(cc as string, ['--version'], { encoding: 'utf8' }).stdout;
        if (/version 14\./.test(version)) {
          // the toolchain the artifact is built with: byte for byte
          expect(rebuilt.equals(committed)).toBe(true);
          expect(readFileSync(join(out, `${name}-wasm.ts`), 'utf8')).toBe(
            readFileSync(join(here, `${name}-wasm.ts`), 'utf8'),
          );
        } else {
          // another clang may schedule differently: same interface (results: the kernel tests)
          const names = WebAssembly.Module.exports(new WebAssembly.Module(rebuilt)).map(
            (e) => e.name,
          );
          expect(names).toEqual(exports);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000, // a clang build, on a loaded machine
  );
});
