import { basename, join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import {
  type CheckpointData,
  charLMFromLayersModel,
  charLMFromSafetensors,
  disposeCharLM,
  disposeKerasModel,
  loadCharLM,
  loadKerasModel,
  ModelFileError,
  type PortableCharLM,
  sidecarPath,
} from '@rnnkit/trainer';
import { asInputError, InputError, reportUserErrors, UsageError } from '../errors.js';
import { writeCheckpoint } from '../files/checkpoint-files.js';
import { exists } from '../files/file-access.js';
import { readBytes, readJsonIfPresent, readLayersModel } from '../files/model-files.js';
import type { Io } from '../io.js';
import { choiceOption, parseCommand } from '../options.js';

export const IMPORT_HELP = `Usage: rnnkit import <file> --out <checkpoint> [options]
       rnnkit import <model.json> --check

Turns a model exported by rnnkit, trained in PyTorch, or saved by tfjs-layers back into an
rnnkit checkpoint folder that 'rnnkit sample' and 'rnnkit eval' use.

<file> is one of:
  model.safetensors   PyTorch state_dict names (rnn.weight_ih_l0, ..., fc.weight, fc.bias,
                      embedding.weight); config and tokenizer from the sidecar
                      model.rnnkit.json beside it (or --sidecar), else from the file's metadata
  model.json          a tfjs-layers Sequential model ([Embedding ->] SimpleRNN|LSTM|GRU ... ->
                      Dense), e.g. from 'rnnkit export --format tfjs-layers' or
                      tensorflowjs_converter; or the folder holding it

--check loads any tfjs-layers or Keras-converted model.json made of SimpleRNN, LSTM, GRU
(reset_after true or false), Bidirectional, Embedding, Masking, Dense and
TimeDistributed(Dense), with any activation rnnkit has, lists its layers and writes
nothing; anything else is refused naming the layer and option. Run such models with
loadKerasModel / predictKerasModel from @rnnkit/trainer.

Options:
  --out DIR            checkpoint folder to write (required)
  --format F           auto (default), safetensors or tfjs-layers
  --sidecar FILE       the .rnnkit.json with config and tokenizer, if not beside the file
  --check              only load the model.json and list its layers (no --out)
  --force              overwrite an existing checkpoint in --out
  -h, --help           show this help
`;

/** \`rnnkit import <file> --out <checkpoint>\`. */
export async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('import', args, {
    out: { type: 'string' },
    format: { type: 'string' },
    sidecar: { type: 'string' },
    force: { type: 'boolean' },
    check: { type: 'boolean' },
  });
  if (values.help) {
    io.out(IMPORT_HELP);
    return 0;
  }
  const [path, ...extra] = positionals;
  if (values.check && path !== undefined && extra.length === 0) {
    return reportUserErrors('import', io, async () => {
      await initBackend({ backend: 'cpu' });
      const files = await readLayersModel(path);
      const model = await asInputError(`Cannot import '${path}'`, async () =>
        loadKerasModel(files, path),
      );
      const layers = model.spec.layers.map((l) => describeLayer(l));
      disposeKerasModel(model);
      io.out(`${path} loads in rnnkit (${model.spec.producer}):\n  ${layers.join('\n  ')}\n`);
      return 0;
    });
  }
  if (path === undefined || extra.length > 0 || typeof values.out !== 'string') {
    throw new UsageError('Give one file and --out: rnnkit import model.safetensors --out ckpt.');
  }
  const out = values.out;
  const chosen = choiceOption(
    'format',
    values.format,
    ['auto', 'safetensors', 'tfjs-layers'] as const,
    'auto',
  );
  return reportUserErrors('import', io, async () => {
    if (!values.force && (await exists(join(out, 'model.json')))) {
      throw new UsageError(`'${out}' already holds a checkpoint; pass --force to overwrite it.`);
    }
    await initBackend({ backend: 'cpu' });
    const format = chosen !== 'auto' ? chosen : await detect(path);
    const p: PortableCharLM = await asInputError(`Cannot import '${path}'`, async () => {
      if (format === 'tfjs-layers') {
        const files = await readLayersModel(path);
        try {
          return charLMFromLayersModel(files, path);
        } catch (error) {
          if (!(error instanceof ModelFileError)) throw error;
          // Not a character model: say whether rnnkit can run it at all, naming the layer.
          disposeKerasModel(loadKerasModel(files, path));
          throw new ModelFileError(
            `${error.message} It is a Keras model rnnkit can run: check it with 'rnnkit import ${path} --check' ` +
              'and run it with loadKerasModel / predictKerasModel from @rnnkit/trainer.',
          );
        }
      }
      const sidecar = await readJsonIfPresent(
        typeof values.sidecar === 'string' ? values.sidecar : sidecarPath(path),
      );
      if (values.sidecar !== undefined && sidecar === undefined) {
        throw new InputError(
          `Cannot read the sidecar '${String(values.sidecar)}': there is no such file.`,
        );
      }
      return charLMFromSafetensors(await readBytes(path, 'safetensors file'), sidecar, path);
    });
    if (!p.tokenizer) {
      throw new InputError(
        `'${path}' has no tokenizer (no sidecar, no rnnkit metadata): a checkpoint needs one to turn ` +
          `text into ids. Pass --sidecar with the .rnnkit.json written by 'rnnkit export'.`,
      );
    }
    const data: CheckpointData = { model: p.model, params: p.params, tokenizer: p.tokenizer };
    disposeCharLM(loadCharLM(data).model); // builds it once: the checkpoint is known to load
    await writeCheckpoint(out, data);
    const { cell, numLayers, hiddenSize, vocabSize } = p.model;
    io.out(
      `Imported a ${numLayers}-layer ${cell} (hidden ${hiddenSize}, ${vocabSize} characters) into ${out}\n`,
    );
    return 0;
  });
}

async function detect(path: string): Promise<'safetensors' | 'tfjs-layers'> {
  if (path.endsWith('.safetensors')) return 'safetensors';
  if (basename(path) === 'model.json' || (await exists(join(path, 'model.json'))))
    return 'tfjs-layers';
  const head = (await readBytes(path, 'model file')).subarray(0, 9);
  if (head.length === 9 && head[8] === 0x7b) return 'safetensors'; // 8-byte length, then '{'
  throw new InputError(
    `Cannot tell what '${path}' is: name a .safetensors file or a tfjs-layers model.json (or pass --format).`,
  );
}

/** One line per imported layer, e.g. `lstm_1: LSTM 8 units (tanh, hardSigmoid), sequences`. */
function describeLayer(l: ReturnType<typeof loadKerasModel>['spec']['layers'][number]): string {
  const cellName = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' } as const;
  const rec = (r: {
    cell: 'rnn' | 'lstm' | 'gru';
    units: number;
    activation: string;
    recurrentActivation: string;
    resetAfter: boolean;
    returnSequences: boolean;
    goBackwards: boolean;
  }) =>
    `${cellName[r.cell]} ${r.units} units (${r.activation}${r.cell === 'rnn' ? '' : `, ${r.recurrentActivation}`}` +
    `${r.cell === 'gru' ? `, reset_after=${r.resetAfter}` : ''})` +
    `${r.returnSequences ? ', sequences' : ', last output'}${r.goBackwards ? ', go_backwards' : ''}`;
  switch (l.kind) {
    case 'embedding':
      return `${l.name}: Embedding ${l.weight.shape.join('x')}${l.maskZero ? ', mask_zero' : ''}`;
    case 'masking':
      return `${l.name}: Masking (mask_value ${l.maskValue})`;
    case 'recurrent':
      return `${l.name}: ${rec(l)}`;
    case 'bidirectional':
      return `${l.name}: Bidirectional ${rec(l.forward)}, merge ${l.merge}`;
    default:
      return `${l.name}: Dense ${l.weight.shape[0]} units (${l.activation})`;
  }
}
