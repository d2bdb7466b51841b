// The bench's selection flags: --impl, --config, --torch-threads.
import { describe, expect, it } from 'vitest';
import { configKey, parseImpls, parseThreads, selectConfigs } from './bench-selection.js';
import { CONFIGS } from './configs.js';

describe('bench selection', () => {
  it('names every configuration on the command line', () => {
    expect(CONFIGS.map(configKey)).toEqual([
      'train-lstm-h128',
      'train-lstm-h256x2',
      'train-gru-h128',
      'train-rnn-h128',
      'train-lstm-h128-T1024',
      'sample-lstm-h128x2',
    ]);
  });

  it('picks configurations by exact name, else by prefix, in table order', () => {
    expect(selectConfigs(undefined)).toHaveLength(CONFIGS.length);
    expect(selectConfigs('train-lstm-h128').map(configKey)).toEqual(['train-lstm-h128']);
    expect(selectConfigs('sample,train-gru').map(configKey)).toEqual([
      'train-gru-h128',
      'sample-lstm-h128x2',
    ]);
    expect(selectConfigs('train-lstm').map(configKey)).toEqual([
      'train-lstm-h128',
      'train-lstm-h256x2',
      'train-lstm-h128-T1024',
    ]);
    expect(() => selectConfigs('train-lstm-h64,sample')).toThrow(
      /no configuration named 'train-lstm-h64'; known: train-lstm-h128, /,
    );
  });

  it('always runs rnnkit, and names the implementations it knows', () => {
    expect(parseImpls(undefined)).toEqual(['rnnkit', 'tfjs-layers', 'pytorch']);
    expect(parseImpls('pytorch')).toEqual(['rnnkit', 'pytorch']);
    expect(parseImpls('pytorch, rnnkit')).toEqual(['rnnkit', 'pytorch']);
    expect(() => parseImpls('torch')).toThrow(/rnnkit, tfjs-layers, pytorch; got 'torch'/);
  });

  it('takes PyTorch thread counts as positive integers', () => {
    expect(parseThreads(undefined)).toEqual([2, 1]);
    expect(parseThreads('1')).toEqual([1]);
    expect(() => parseThreads('2,0')).toThrow(/positive integers/);
  });
});
