// `rnnkit train`'s options in process: the defaults `rnnkit train --help` states, every
// flag's accepted range and words, and what a resumed run may and may not change.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../options.js';
import { usage } from '../../test-support/usage-message.js';
import { resumeOverrides, TRAIN_FLAGS, trainOptions } from './train-options.js';

describe('trainOptions', () => {
  it('gives the defaults train --help states when no flag is given', () => {
    expect(trainOptions({})).toEqual({
      cell: 'lstm',
      hiddenSize: 128,
      numLayers: 2,
      dropout: 0,
      batchSize: 32,
      seqLength: 64,
      learningRate: 0.002,
      optimizer: 'adam',
      schedule: 'constant',
      clipNorm: 5,
      evalEvery: 200,
      valFraction: 0.05,
      seed: 0,
      sampleLength: 200,
      workers: 'auto',
      init: 'pytorch',
    });
  });

  it('takes every flag a user gives, parsed from the command line', () => {
    const args = [
      ...['--cell', 'gru', '--hidden', '64', '--layers', '3', '--dropout', '0.25'],
      ...['--batch', '16', '--seq-length', '100', '--lr', '0.01', '--optimizer', 'rmsprop'],
      ...['--clip', '1.5', '--epochs', '4', '--eval-every', '50', '--val-fraction', '0'],
      ...['--seed', '42', '--sample-length', '0', '--workers', '2', '--init', 'keras'],
    ];
    const { values } = parseCommand('train', args, TRAIN_FLAGS);
    expect(trainOptions(values)).toEqual({
      cell: 'gru',
      hiddenSize: 64,
      numLayers: 3,
      dropout: 0.25,
      batchSize: 16,
      seqLength: 100,
      learningRate: 0.01,
      optimizer: 'rmsprop',
      schedule: 'constant',
      clipNorm: 1.5,
      epochs: 4,
      evalEvery: 50,
      valFraction: 0,
      seed: 42,
      sampleLength: 0,
      workers: 2,
      init: 'keras',
    });
  });

  it('accepts each whole-number flag at both ends of its range and refuses one past', () => {
    const ranges: [string, keyof ReturnType<typeof trainOptions>, number, number][] = [
      ['hidden', 'hiddenSize', 1, 8192],
      ['layers', 'numLayers', 1, 64],
      ['batch', 'batchSize', 1, 65536],
      ['seq-length', 'seqLength', 1, 1_000_000],
      ['eval-every', 'evalEvery', 1, 1_000_000_000],
      ['seed', 'seed', 0, 4_294_967_295],
      ['sample-length', 'sampleLength', 0, 100_000],
      ['steps', 'steps', 1, 1_000_000_000],
      ['epochs', 'epochs', 1, 1_000_000_000],
      ['workers', 'workers', 1, 256],
    ];
    for (const [flag, key, min, max] of ranges) {
      expect(trainOptions({ [flag]: String(min) })[key], flag).toBe(min);
      expect(trainOptions({ [flag]: String(max) })[key], flag).toBe(max);
      expect(usage(() => trainOptions({ [flag]: String(min - 1) }))).toContain(
        `--${flag} must be a whole number ≥ ${min}`,
      );
      expect(usage(() => trainOptions({ [flag]: String(max + 1) }))).toContain(
        `--${flag} must be a whole number ≤ ${max}`,
      );
    }
  });

  it('accepts each number flag inside its range and refuses its excluded ends', () => {
    expect(trainOptions({ lr: '1e-9' }).learningRate).toBe(1e-9);
    expect(usage(() => trainOptions({ lr: '0' }))).toContain('--lr must be a number > 0');
    expect(trainOptions({ clip: '1e-6' }).clipNorm).toBe(1e-6);
    expect(usage(() => trainOptions({ clip: '0' }))).toContain('--clip must be a number > 0');
    expect(trainOptions({ clip: 'off' }).clipNorm).toBeNull();
    expect(trainOptions({ 'val-fraction': '0' }).valFraction).toBe(0);
    expect(trainOptions({ 'val-fraction': '0.99' }).valFraction).toBe(0.99);
    expect(usage(() => trainOptions({ 'val-fraction': '1' }))).toContain('in [0, 1)');
    expect(usage(() => trainOptions({ 'val-fraction': '-0.1' }))).toContain('--val-fraction');
    expect(trainOptions({ dropout: '0.99' }).dropout).toBe(0.99);
    expect(usage(() => trainOptions({ dropout: '1' }))).toContain(
      '--dropout must be a number in [0, 1)',
    );
    expect(usage(() => trainOptions({ dropout: '-0.5' }))).toContain('--dropout');
  });

  it('accepts exactly the listed words for each choice flag', () => {
    const choices: [string, keyof ReturnType<typeof trainOptions>, string[]][] = [
      ['cell', 'cell', ['lstm', 'gru', 'rnn']],
      ['optimizer', 'optimizer', ['adam', 'sgd', 'rmsprop']],
      ['init', 'init', ['pytorch', 'keras']],
    ];
    for (const [flag, key, words] of choices) {
      for (const word of words) expect(trainOptions({ [flag]: word })[key]).toBe(word);
      expect(usage(() => trainOptions({ [flag]: 'nope' }))).toBe(
        `--${flag} must be one of ${words.join(', ')}, got 'nope'.`,
      );
    }
    expect(trainOptions({ schedule: 'constant' }).schedule).toBe('constant');
    expect(usage(() => trainOptions({ schedule: 'linear' }))).toBe(
      "--schedule must be one of constant, step, cosine, got 'linear'.",
    );
    expect(trainOptions({ workers: 'auto' }).workers).toBe('auto');
  });

  it('refuses --steps with --epochs, and dropout on a single layer', () => {
    expect(usage(() => trainOptions({ steps: '5', epochs: '1' }))).toBe(
      'Give --steps or --epochs, not both.',
    );
    expect(trainOptions({ steps: '5' })).toMatchObject({ steps: 5 });
    expect(trainOptions({ steps: '5' })).not.toHaveProperty('epochs');
    expect(trainOptions({ epochs: '2' })).not.toHaveProperty('steps');
    expect(usage(() => trainOptions({ layers: '1', dropout: '0.1' }))).toContain(
      'there is 1 layer: give --layers 2 or more',
    );
    expect(trainOptions({ layers: '1', dropout: '0' }).dropout).toBe(0);
    expect(trainOptions({ layers: '2', dropout: '0.1' }).dropout).toBe(0.1);
  });
});

describe('schedules', () => {
  it('step: decay rate in (0, 1], every and after as given, their defaults otherwise', () => {
    expect(trainOptions({ schedule: 'step' }).schedule).toEqual({
      type: 'step',
      decayRate: 0.97,
      decayEvery: undefined,
      decayAfter: undefined,
    });
    expect(
      trainOptions({
        schedule: 'step',
        'lr-decay': '1',
        'lr-decay-every': '1',
        'lr-decay-after': '0',
      }).schedule,
    ).toEqual({ type: 'step', decayRate: 1, decayEvery: 1, decayAfter: 0 });
    expect(usage(() => trainOptions({ schedule: 'step', 'lr-decay': '0' }))).toContain(
      '--lr-decay must be a number in (0, 1]',
    );
    expect(usage(() => trainOptions({ schedule: 'step', 'lr-decay': '1.01' }))).toContain(
      '--lr-decay',
    );
    expect(usage(() => trainOptions({ schedule: 'step', 'lr-decay-every': '0' }))).toContain(
      '--lr-decay-every must be a whole number ≥ 1',
    );
    expect(usage(() => trainOptions({ schedule: 'step', 'lr-decay-after': '-1' }))).toContain(
      '--lr-decay-after must be a whole number ≥ 0',
    );
    expect(
      usage(() => trainOptions({ schedule: 'step', 'lr-decay-every': '1000000001' })),
    ).toContain('≤ 1000000000');
  });

  it('cosine: warmup and floor as given, no warmup and floor 0 otherwise', () => {
    expect(trainOptions({ schedule: 'cosine' }).schedule).toEqual({
      type: 'cosine',
      warmupSteps: undefined,
      minLearningRate: 0,
    });
    expect(trainOptions({ schedule: 'cosine', warmup: '0', 'min-lr': '1e-5' }).schedule).toEqual({
      type: 'cosine',
      warmupSteps: 0,
      minLearningRate: 1e-5,
    });
    expect(usage(() => trainOptions({ schedule: 'cosine', warmup: '-1' }))).toContain(
      '--warmup must be a whole number ≥ 0',
    );
    expect(usage(() => trainOptions({ schedule: 'cosine', 'min-lr': '-1e-5' }))).toContain(
      '--min-lr must be a number ≥ 0',
    );
  });

  it("refuses another schedule's flags, naming the schedule they belong to", () => {
    expect(usage(() => trainOptions({ 'lr-decay': '0.9' }))).toBe(
      '--lr-decay only apply to --schedule step.',
    );
    expect(usage(() => trainOptions({ schedule: 'cosine', 'lr-decay-every': '5' }))).toBe(
      '--lr-decay-every only apply to --schedule step.',
    );
    expect(
      usage(() => trainOptions({ schedule: 'step', warmup: '5', 'min-lr': '0', 'lr-decay': '1' })),
    ).toBe('--warmup, --min-lr only apply to --schedule cosine.');
    expect(usage(() => trainOptions({ 'min-lr': '0', 'lr-decay-after': '2' }))).toBe(
      '--lr-decay-after, --min-lr only apply to --schedule step.',
    );
  });
});

describe('resumeOverrides', () => {
  it('takes only the run length, reporting and workers, each checked', () => {
    expect(resumeOverrides({})).toEqual({
      evalEvery: undefined,
      sampleLength: undefined,
      workers: 'auto',
    });
    expect(
      resumeOverrides({ steps: '10', 'eval-every': '5', 'sample-length': '0', workers: 'auto' }),
    ).toEqual({ steps: 10, evalEvery: 5, sampleLength: 0, workers: 'auto' });
    expect(resumeOverrides({ epochs: '3' })).toMatchObject({ epochs: 3 });
    expect(usage(() => resumeOverrides({ 'eval-every': '0' }))).toContain(
      '--eval-every must be a whole number ≥ 1',
    );
    expect(usage(() => resumeOverrides({ 'sample-length': '100001' }))).toContain(
      '--sample-length must be a whole number ≤ 100000',
    );
    expect(usage(() => resumeOverrides({ workers: '0' }))).toContain('--workers');
    expect(usage(() => resumeOverrides({ steps: '1', epochs: '1' }))).toBe(
      'Give --steps or --epochs, not both.',
    );
  });

  it('refuses every setting the checkpoint fixes, naming each one given', () => {
    const fixed = [
      ...['cell', 'hidden', 'layers', 'dropout', 'batch', 'seq-length', 'lr', 'optimizer'],
      ...['schedule', 'lr-decay', 'lr-decay-every', 'lr-decay-after', 'warmup', 'min-lr'],
      ...['clip', 'seed', 'val-fraction', 'init'],
    ];
    for (const flag of fixed) {
      expect(usage(() => resumeOverrides({ [flag]: '1' }))).toBe(
        `--${flag} cannot be used with --resume: the checkpoint fixes the model, data and optimizer settings. Drop it, or start a new run without --resume.`,
      );
    }
    expect(usage(() => resumeOverrides({ lr: '1', seed: '2' }))).toContain(
      '--lr, --seed cannot be used with --resume',
    );
    expect(usage(() => resumeOverrides({ lr: '1', seed: '2' }))).toContain('Drop them,');
    // The flags a resumed run may change are not in that list.
    for (const flag of ['steps', 'epochs', 'eval-every', 'sample-length', 'workers']) {
      expect(() => resumeOverrides({ [flag]: '1' })).not.toThrow();
    }
  });

  it('knows every flag train takes, each taking a value', () => {
    expect(Object.keys(TRAIN_FLAGS).sort()).toEqual(
      [
        ...['cell', 'hidden', 'layers', 'dropout', 'batch', 'seq-length', 'lr', 'optimizer'],
        ...['schedule', 'lr-decay', 'lr-decay-every', 'lr-decay-after', 'warmup', 'min-lr'],
        ...['clip', 'seed', 'val-fraction', 'init', 'steps', 'epochs', 'eval-every'],
        ...['checkpoint-dir', 'backend', 'resume', 'sample-length', 'log-every', 'workers'],
      ].sort(),
    );
    for (const spec of Object.values(TRAIN_FLAGS)) expect(spec).toEqual({ type: 'string' });
  });
});
