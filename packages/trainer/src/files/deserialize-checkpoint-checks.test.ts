// Each check deserializeCheckpoint runs on a checkpoint's model.json, training state and
// weights names, met by a checkpoint that breaks that one thing (and nothing an earlier check
// refuses): it is refused with a CheckpointError that names what is wrong.
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  CheckpointError,
  deserializeCheckpoint,
  readCheckpointManifest,
  serializeCheckpoint,
} from '../index.js';
import { trainedCheckpoint } from '../test-support/trained-checkpoint.js';

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
  data = await trainedCheckpoint({ cell: 'lstm', steps: 4, evalEvery: 2 });
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

/** The checkpoint with these weights and their bytes left out. */
function without(...names: string[]): { j: Json; weights: ArrayBuffer } {
  const j = json();
  const group = j.weightsManifest[0] as Json['weightsManifest'][0];
  const kept: Spec[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const s of group.weights) {
    const bytes = 4 * s.shape.reduce((a, b) => a * b, 1);
    if (!names.includes(s.name)) {
      kept.push(s);
      parts.push(new Uint8Array(weightData, offset, bytes));
    }
    offset += bytes;
  }
  if (kept.length !== group.weights.length - names.length) throw new Error(`no weight ${names}`);
  group.weights = kept;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { j, weights: out.buffer };
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

  it('slot names with anything after their letters', () => {
    for (const name of ['optimizer/fc.weight/m2', 'optimizer/fc.weight/m.v']) {
      expect(refusal(renamed('optimizer/fc.weight/m', name)), name).toContain(
        `its weights file holds '${name}', which this model does not have`,
      );
    }
  });

  it("an LSTM's carried state with only one of h and c, and loads it with neither", () => {
    const noC = without('state/c');
    expect(refusal(noC.j, noC.weights)).toContain(
      "its training state has 'state/h' but lacks 'state/c', which an LSTM carries",
    );
    const noH = without('state/h');
    expect(refusal(noH.j, noH.weights)).toContain(
      "its training state has 'state/c' without 'state/h'",
    );
    // a state with no carried arrays (a run saved before any window) loads, without them
    const none = without('state/h', 'state/c');
    const back = deserializeCheckpoint({ modelJson: none.j, weightData: none.weights });
    expect(back.training?.carried).toBeUndefined();
    expect(back.training?.step).toBe(data.training?.step);
  });

  it('names and values up to 80 characters whole in its message, longer ones cut there', () => {
    // a weight name: 80 characters are shown, 81 cut to 80 and an ellipsis
    const name80 = `w${'x'.repeat(79)}`;
    expect(refusal(renamed('fc.bias', name80))).toContain(`holds '${name80}', which`);
    expect(refusal(renamed('fc.bias', `${name80}y`))).toContain(`holds '${name80}…', which`);
    // a value, as JSON: a string of 78 characters is 80 with its quotes
    const format = (value: string) => {
      const j = json() as unknown as Record<string, unknown>;
      j.format = value;
      return refusal(j);
    };
    const quoted80 = `"${'f'.repeat(78)}"`;
    expect(format('f'.repeat(78))).toContain(`format ${quoted80}, not`);
    const cut80 = `"${'f'.repeat(79)}…`; // its first 80 characters
    expect(format('f'.repeat(79))).toContain(`format ${cut80}, not`);
    const huge = format('f'.repeat(100_000));
    expect(huge).toContain(`format ${cut80}, not`);
    expect(huge.length).toBeLessThan(400);
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

describe('deserializeCheckpoint takes', () => {
  it("RMSprop's slots, whose name is a word (meanSquare), back as they were saved", async () => {
    const saved = await trainedCheckpoint({ cell: 'gru', optimizer: 'rmsprop', steps: 2 });
    const slots = saved.training?.optimizer.slots ?? {};
    expect(Object.values(slots).map((s) => Object.keys(s))).toContainEqual(['meanSquare']);
    const back = deserializeCheckpoint(serializeCheckpoint(saved));
    expect(back.training?.optimizer.slots).toEqual(slots);
  }, 60_000);
});
