import { charLMToLayersModel, charLMToSafetensors, type PortableCharLM } from '@rnnkit/trainer';
import { asInputError, reportUserErrors, UsageError } from '../errors.js';
import { findCheckpoint, readCheckpoint } from '../files/checkpoint-files.js';
import { exists } from '../files/file-access.js';
import { writeLayersModel, writeSafetensorsFiles } from '../files/model-files.js';
import type { Io } from '../io.js';
import { choiceOption, parseCommand } from '../options.js';

export const EXPORT_HELP = `Usage: rnnkit export <checkpoint> --format safetensors|tfjs-layers --out <path> [options]

Writes a checkpoint's model (weights, config and tokenizer) in a format other tools load.
<checkpoint> is a checkpoint folder or a run's folder (then best/, else latest/).

Formats:
  safetensors   <path> is a file (e.g. model.safetensors) with PyTorch state_dict names
                (rnn.weight_ih_l0, ..., fc.weight, fc.bias, embedding.weight), plus a sidecar
                <name>.rnnkit.json with the config and tokenizer. examples/pytorch loads both.
  tfjs-layers   <path> is a folder: model.json + weights.bin, a Sequential model that
                tf.loadLayersModel loads (one-hot models take one-hot [B, T, V] input,
                embedding models take ids [B, T]). RNN and LSTM models; GRU models only
                where tfjs-layers' reset-before GRU is exact, unless --gru-reset-after:
                then as Keras TF2's reset_after=True GRU (exact; Keras loads it,
                tf.loadLayersModel cannot). For Keras:
                tensorflowjs_converter --input_format tfjs_layers_model \\
                  --output_format keras <path>/model.json model.h5

Options:
  --format F        safetensors or tfjs-layers (required)
  --out PATH        where to write (required)
  --force           overwrite existing files
  --gru-reset-after tfjs-layers: write a GRU that has no reset-before form as reset_after=True
  -h, --help        show this help
`;

/** \`rnnkit export <checkpoint> --format ... --out ...\`. */
export async function exportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('export', args, {
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    'gru-reset-after': { type: 'boolean' },
  });
  if (values.help) {
    io.out(EXPORT_HELP);
    return 0;
  }
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0 || typeof values.out !== 'string') {
    throw new UsageError(
      'Give one checkpoint and --out: rnnkit export <checkpoint> --format safetensors --out model.safetensors.',
    );
  }
  if (values.format === undefined)
    throw new UsageError('Give --format safetensors or --format tfjs-layers.');
  const format = choiceOption(
    'format',
    values.format,
    ['safetensors', 'tfjs-layers'] as const,
    'safetensors',
  );
  const out = values.out;
  return reportUserErrors('export', io, async () => {
    const data = await readCheckpoint(await findCheckpoint(path, 'best'));
    const model: PortableCharLM = {
      model: data.model,
      params: data.params,
      tokenizer: data.tokenizer,
    };
    const target = format === 'safetensors' ? out : `${out}/model.json`;
    if (!values.force && (await exists(target))) {
      throw new UsageError(`'${target}' exists; pass --force to overwrite it.`);
    }
    let written: string[];
    if (format === 'safetensors') {
      const { bytes, sidecar } = await asInputError('Cannot export', () =>
        charLMToSafetensors(model),
      );
      written = await writeSafetensorsFiles(out, bytes, sidecar);
    } else {
      const files = await asInputError('Cannot export to tfjs-layers', () =>
        charLMToLayersModel(model, {
          resetAfterGru: values['gru-reset-after'] ? 'keep' : 'error',
        }),
      );
      written = await writeLayersModel(out, files);
    }
    const { cell, numLayers, hiddenSize } = data.model;
    io.out(
      `Exported a ${numLayers}-layer ${cell} (hidden ${hiddenSize}) as ${format}: ${written.join(', ')}\n`,
    );
    return 0;
  });
}
