// The text presets and the model settings each one starts from. The two short ones are the
// lecture's: one sequence, read whole every step, with the per-iteration prediction logged.

export interface ModelSettings {
  cell: 'rnn' | 'lstm' | 'gru';
  hiddenSize: number;
  numLayers: number;
  seqLength: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  seed: number;
  steps: number;
  evalEvery: number;
  valFraction: number;
}

export interface Preset {
  id: 'hihello' | 'ifyouwant' | 'book';
  label: string;
  /** The text itself, or the URL of a file the app serves (loaded when picked). */
  text?: string;
  url?: string;
  /** Log `<i> loss: … prediction: …` after every step. */
  lecture: boolean;
  settings: ModelSettings;
  /** What the inside view reads by default. */
  insideText: string;
}

/** Settings for any longer text: pasted, opened, or the built-in book. */
export const TEXT_DEFAULTS: ModelSettings = {
  cell: 'lstm',
  hiddenSize: 128,
  numLayers: 1,
  seqLength: 64,
  batchSize: 32,
  learningRate: 0.01,
  optimizer: 'adam',
  seed: 0,
  steps: 1000,
  evalEvery: 100,
  valFraction: 0.05,
};

export const PRESETS: readonly Preset[] = [
  {
    id: 'hihello',
    label: 'hihello (lecture)',
    text: 'hihello',
    lecture: true,
    insideText: 'hihell',
    settings: {
      cell: 'lstm',
      hiddenSize: 5,
      numLayers: 1,
      seqLength: 6,
      batchSize: 1,
      learningRate: 0.1,
      optimizer: 'adam',
      seed: 0,
      steps: 50,
      evalEvery: 50,
      valFraction: 0,
    },
  },
  {
    id: 'ifyouwant',
    label: '" if you want you" (lecture)',
    text: ' if you want you',
    lecture: true,
    insideText: ' if you want yo',
    settings: {
      cell: 'lstm',
      hiddenSize: 16,
      numLayers: 1,
      seqLength: 15,
      batchSize: 1,
      learningRate: 0.1,
      optimizer: 'adam',
      seed: 0,
      steps: 100,
      evalEvery: 100,
      valFraction: 0,
    },
  },
  {
    id: 'book',
    label: 'The Book of Numbers (built-in, 140 KB)',
    url: 'samples/book-of-numbers.txt',
    lecture: false,
    insideText: 'Twenty-one comes after twenty',
    settings: TEXT_DEFAULTS,
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
