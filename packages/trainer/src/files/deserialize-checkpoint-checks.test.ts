// Each check deserializeCheckpoint runs on a checkpoint's model.json, training state and
// weights names, met by a checkpoint that breaks that one thing (and nothing an earlier check
// refuses): it is refused with a CheckpointError that names what is wrong.
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  CheckpointError,
  createTrainer,
  deserializeCheckpoint,
  readCheckpointManifest,
  serializeCheckpoint,
} from '../index.js';
import { generatedText } from '../test-support/generated-text.js';

interface Spec {
  name: string;
  shape: number[];
  dtype: string;
}
interface Json {
  modelTopology: { model: Record<string, unknown>; tokenizer: unknown };
  weightsManifest: { paths: string[]; weights: Spec[] }[];
  userDefinedMetadata: { version: unknown; training?: Training };
}
interface Training {
  config: Record<string, unknown>;
  optimizer: { name: string; shapes: Record<string, number[]> };
  bestStep: number | null;
  interval: { steps: number };
  history: { step: number; trainLoss: number | null; valLoss: number | null }[];
}

let data: CheckpointData;
let modelJson: Json;
let weightData: ArrayBuffer;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  // An LSTM trained with Adam and evaluated, so the checkpoint holds optimizer slots, carried
  // state, a best step and a history.
  const trainer = createTrainer(generatedText(1500), {
    cell: 'lstm',
    hiddenSize: 4,
    numLayers: 1,
    batchSize: 2,
    seqLength: 8,
    steps: 4,
    evalEvery: 2,
    sampleLength: 0,
  });
  for await (const _ of trainer.run()) {
    // to the end
  }
  data = trainer.checkpoint();
  trainer.dispose();
  const saved = serializeCheckpoint(data);
  modelJson = JSON.parse(JSON.stringify(saved.modelJson));
  weightData = saved.weightData;
}, 60_000);

/** A copy of the checkpoint's model.json to break. */
function json(): Json {
  return JSON.parse(JSON.stringify(modelJson));
}

function training(j: Json): Training {
  return j.userDefinedMetadata.training as Training;
}

/** The message of the CheckpointError deserializing this fails with. */
function refusal(j: unknown, weights: ArrayBuffer = weightData): string {
  try {
    deserializeCheckpoint({ modelJson: j, weightData: weights });
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the checkpoint to be refused');
}

/** Renames weight `from` of the manifest; its bytes stay where they are. */
function renamed(from: string, to: string): Json {
  const j = json();
  const spec = j.weightsManifest[0]?.weights.find((s) => s.name === from);
  if (!spec) throw new Error(`no weight ${from}`);
  spec.name = to;
  return j;
}

/** The checkpoint with weight `name` and its bytes left out. */
function without(name: string): { j: Json; weights: ArrayBuffer } {
  const j = json();
  const group = j.weightsManifest[0] as Json['weightsManifest'][0];
  let offset = 0;
  for (const [i, s] of group.weights.entries()) {
    const bytes = 4 * s.shape.reduce((a, b) => a * b, 1);
    if (s.name === name) {
      group.weights.splice(i, 1);
      const kept = new Uint8Array(weightData.byteLength - bytes);
      kept.set(new Uint8Array(weightData, 0, offset));
      kept.set(new Uint8Array(weightData, offset + bytes), offset);
      return { j, weights: kept.buffer };
    }
    offset += bytes;
  }
  throw new Error(`no weight ${name}`);
}

describe('deserializeCheckpoint refuses', () => {
  it('the unbroken checkpoint loads (every case below breaks one thing of it)', () => {
    const back = deserializeCheckpoint({ modelJson: json(), weightData });
    expect(back.training?.bestStep).toBe(data.training?.bestStep);
    expect(back.training?.history.length).toBeGreaterThan(0);
    expect(back.training?.carried?.c).toBeDefined();
  });

  it('a model.json that is not an object', () => {
    for (const value of ['model', 5, true]) {
      expect(refusal(value)).toContain('model.json does not hold a JSON object');
    }
  });

  it('a checkpoint version other than 1, naming it', () => {
    const j = json();
    j.userDefinedMetadata.version = 2;
    expect(refusal(j)).toContain(
      'model.json has checkpoint version 2; this rnnkit reads version 1',
    );
  });

  it('a model above the size limits, before reading a weight', () => {
    const j = json();
    Object.assign(j.modelTopology.model, { hiddenSize: 8192, numLayers: 64 });
    expect(refusal(j)).toContain('its model is too large to load');
  });

  it('an invalid tokenizer, and one whose size is not the model vocabulary', () => {
    const broken = json();
    const saved = broken.modelTopology.tokenizer as { vocabulary: string[] };
    saved.vocabulary = [...saved.vocabulary, saved.vocabulary.at(-1) as string];
    expect(refusal(broken)).toMatch(/its tokenizer is invalid \(.+\)/);
    const other = json();
    const tokenizer = other.modelTopology.tokenizer as { vocabulary: string[] };
    tokenizer.vocabulary = tokenizer.vocabulary.slice(0, -1);
    const n = data.model.vocabSize;
    expect(refusal(other)).toContain(`its tokenizer has ${n - 1} tokens but its model ${n}`);
  });

  it('a training config for another model', () => {
    for (const [key, value] of [
      ['cell', 'gru'],
      ['hiddenSize', 5],
      ['numLayers', 2],
    ] as const) {
      const j = json();
      training(j).config[key] = value;
      expect(refusal(j), key).toContain(`its training config says ${key} ${JSON.stringify(value)}`);
    }
  });

  it('training state on a model that reads embeddings', () => {
    const j = json();
    j.modelTopology.model.input = 'embedding';
    expect(refusal(j)).toContain(
      'its model reads embeddings, which rnnkit training does not resume',
    );
  });

  it('an optimizer state of another optimizer than the config names', () => {
    const j = json();
    training(j).optimizer.name = 'rmsprop';
    expect(refusal(j)).toContain(
      "its optimizer state is 'rmsprop' but its training config says 'adam'",
    );
  });

  it('a best step, interval or evaluation after the step the state is at', () => {
    const step = data.training?.step as number;
    const best = json();
    training(best).bestStep = step + 1;
    expect(refusal(best)).toContain(`bestStep ${step + 1} is after step ${step}`);
    const interval = json();
    training(interval).interval.steps = step + 1;
    expect(refusal(interval)).toContain(`interval.steps ${step + 1} is more than step ${step}`);
    const history = json();
    training(history).history.push({ step: step + 1, trainLoss: 1, valLoss: 1 });
    expect(refusal(history)).toContain(`its history has an evaluation after step ${step}`);
    // No best step yet is fine.
    const none = json();
    training(none).bestStep = null;
    expect(deserializeCheckpoint({ modelJson: none, weightData }).training?.bestStep).toBeNull();
  });

  it('optimizer shapes for a parameter the model lacks, or of another shape', () => {
    const unknown = json();
    training(unknown).optimizer.shapes['rnn.weight_ih_l7'] = [16, 4];
    expect(refusal(unknown)).toContain("for 'rnn.weight_ih_l7', which the model does not have");
    const reshaped = json();
    const shapes = training(reshaped).optimizer.shapes;
    shapes['fc.weight'] = [...(shapes['fc.weight'] as number[])].reverse();
    expect(refusal(reshaped)).toContain(
      `its optimizer state has shape [${shapes['fc.weight']?.join(', ')}] for 'fc.weight'`,
    );
  });

  it('a weight of another shape than the model gives it, with the same bytes', () => {
    const j = json();
    const spec = j.weightsManifest[0]?.weights.find((s) => s.name === 'fc.weight') as Spec;
    const [v, h] = spec.shape as [number, number];
    spec.shape = [h, v];
    expect(refusal(j)).toContain(
      `its weight 'fc.weight' has shape [${h}, ${v}], expected [${v}, ${h}]`,
    );
  });

  it('a checkpoint that lacks a weight of the model', () => {
    const { j, weights } = without('rnn.bias_hh_l0');
    expect(refusal(j, weights)).toContain("its weights file lacks 'rnn.bias_hh_l0'");
  });

  it('optimizer slots in a checkpoint without training state', () => {
    const j = json();
    delete j.userDefinedMetadata.training;
    expect(refusal(j)).toMatch(
      /its weights file holds 'optimizer\/[\w.]+\/m', which this model does not have/,
    );
  });

  it('optimizer weight names that are not optimizer/<parameter>/<slot>', () => {
    for (const name of [
      'slots/fc.weight/m',
      'optimizer/fc.weight',
      'optimizer/fc.weight/m/extra',
      'optimizer/fc.weight/2m',
    ]) {
      expect(refusal(renamed('optimizer/fc.weight/m', name)), name).toContain(
        `its weights file holds '${name}', which this model does not have`,
      );
    }
  });
});

describe('readCheckpointManifest', () => {
  /** model.json with one weight of this shape in its manifest. */
  function manifestOf(shape: number[]): Json {
    const j = json();
    (j.weightsManifest[0] as Json['weightsManifest'][0]).weights = [
      { name: 'fc.weight', shape, dtype: 'float32' },
    ];
    return j;
  }

  it('takes up to 2 GiB of weights and refuses more, before reading them', () => {
    expect(readCheckpointManifest(manifestOf([2 ** 29])).byteLength).toBe(2 ** 31);
    for (const shape of [[2 ** 29 + 1], [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]]) {
      expect(() => readCheckpointManifest(manifestOf(shape))).toThrow(CheckpointError);
      expect(() => readCheckpointManifest(manifestOf(shape))).toThrow(
        /its weightsManifest describes \S+ bytes of weights, more than rnnkit loads/,
      );
    }
  });
});
