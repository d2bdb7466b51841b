import { readSafetensors, writeSafetensors } from '@rnnkit/cells';
import { parseJsonSafely } from '@rnnkit/core';
import type { CharTokenizerJSON } from '@rnnkit/tokenizer';
import { ModelFileError } from '../errors.js';
import type { CharLMConfig } from '../models/char-lm.js';
import { checkCharLMConfig, checkCharLMParams, inferCharLMConfig } from './char-lm-shapes.js';
import type { PortableCharLM } from './portable-char-lm.js';

/** The `format` of the JSON sidecar beside an exported safetensors file, and its version. */
export const SIDECAR_FORMAT = 'rnnkit.char-lm';
export const SIDECAR_VERSION = 1;

/**
 * The JSON sidecar of an exported model (`model.rnnkit.json` beside `model.safetensors`): the
 * config and tokenizer PyTorch needs to rebuild the module and decode its output. The same
 * JSON is also stored in the file's `__metadata__` under `rnnkit`, so one file suffices.
 */
export interface CharLMSidecar {
  format: typeof SIDECAR_FORMAT;
  version: typeof SIDECAR_VERSION;
  model: Required<CharLMConfig>;
  tokenizer: CharTokenizerJSON | null;
  /** How the weights map to PyTorch modules, for humans and for examples/pytorch. */
  pytorch: { module: string; batchFirst: true; nonlinearity: 'tanh'; gateOrder: string };
}

const GATES = { rnn: 'h', lstm: 'i,f,g,o', gru: 'r,z,n (reset applied after the matmul)' };

/**
 * Exports a model as a safetensors file with PyTorch `state_dict` names (`embedding.weight`,
 * `rnn.weight_ih_l0`, …, `fc.weight`, `fc.bias`) plus its sidecar.
 * `torch.nn.LSTM(..., batch_first=True)` and `nn.Linear` load these weights unchanged.
 *
 * @example
 * ```ts
 * const { bytes, sidecar } = charLMToSafetensors(portableCharLM(model, tokenizer));
 * writeFileSync('model.safetensors', bytes);
 * writeFileSync('model.rnnkit.json', JSON.stringify(sidecar, null, 2));
 * ```
 */
export function charLMToSafetensors(p: PortableCharLM): {
  bytes: Uint8Array;
  sidecar: CharLMSidecar;
} {
  checkCharLMParams(p.model, p.params, 'the model');
  const sidecar: CharLMSidecar = {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    model: p.model,
    tokenizer: p.tokenizer ?? null,
    pytorch: {
      module: 'examples/pytorch/rnnkit_torch.py CharLM (embedding, rnn, fc)',
      batchFirst: true,
      nonlinearity: 'tanh',
      gateOrder: GATES[p.model.cell],
    },
  };
  const bytes = writeSafetensors(p.params, { format: 'pt', rnnkit: JSON.stringify(sidecar) });
  return { bytes, sidecar };
}

/**
 * Imports a safetensors file with PyTorch `state_dict` names. The config comes from `sidecar`
 * (the parsed JSON), else from the file's `__metadata__`, else from the weight shapes (then
 * no tokenizer). Malformed files throw `SafetensorsError`; weights that do not fit the config
 * `WeightFormatError`; a bad sidecar `ModelFileError`.
 *
 * @example
 * ```ts
 * const p = charLMFromSafetensors(readFileSync('model.safetensors'), JSON.parse(sidecarText));
 * const { model, tokenizer } = charLMFromPortable(p);
 * ```
 */
export function charLMFromSafetensors(
  bytes: ArrayBuffer | ArrayBufferView,
  sidecar?: unknown,
  where = 'the safetensors file',
): PortableCharLM {
  const { arrays, metadata } = readSafetensors(bytes);
  let side = sidecar;
  if (side === undefined && metadata.rnnkit !== undefined) {
    side = parseJsonSafely(metadata.rnnkit, () => {
      throw new ModelFileError(`${where} has an unreadable rnnkit entry in its __metadata__.`);
    });
  }
  const model = side === undefined ? inferCharLMConfig(arrays) : readSidecar(side).model;
  checkCharLMParams(model, arrays, where);
  const tokenizer = side === undefined ? undefined : (readSidecar(side).tokenizer ?? undefined);
  return tokenizer ? { model, params: arrays, tokenizer } : { model, params: arrays };
}

/**
 * Checks a parsed sidecar: format, version and config. The tokenizer is checked when built.
 *
 * @example
 * ```ts
 * const { model, tokenizer } = readSidecar(JSON.parse(readFileSync('model.rnnkit.json', 'utf8')));
 * ```
 */
export function readSidecar(value: unknown): {
  model: Required<CharLMConfig>;
  tokenizer: CharTokenizerJSON | null;
} {
  const s = (value ?? {}) as Record<string, unknown>;
  if (s.format !== SIDECAR_FORMAT) {
    throw new ModelFileError(
      `The sidecar's format is ${JSON.stringify(s.format)}, expected "${SIDECAR_FORMAT}": ` +
        'pass the .rnnkit.json written beside the .safetensors file.',
    );
  }
  if (s.version !== SIDECAR_VERSION) {
    throw new ModelFileError(
      `The sidecar has version ${JSON.stringify(s.version)}; this rnnkit reads version ` +
        `${SIDECAR_VERSION}${typeof s.version === 'number' && s.version > SIDECAR_VERSION ? ': upgrade rnnkit' : ''}.`,
    );
  }
  const tokenizer = (s.tokenizer ?? null) as CharTokenizerJSON | null;
  return { model: checkCharLMConfig(s.model, 'The sidecar'), tokenizer };
}

/**
 * Where the sidecar of a safetensors file lives: `model.safetensors` → `model.rnnkit.json`.
 *
 * @example
 * ```ts
 * sidecarPath('out/model.safetensors'); // 'out/model.rnnkit.json'
 * ```
 */
export function sidecarPath(safetensorsPath: string): string {
  return `${safetensorsPath.replace(/\.safetensors$/, '')}.rnnkit.json`;
}
