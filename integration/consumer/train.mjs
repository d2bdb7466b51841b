// A consumer's Node script, run in a temp project that installed the packed tarballs from npm
// tarballs: wasm backend, "hihello" training, greedy and seeded sampling, a safetensors round
// trip. Prints one JSON line for the test to check.
import { initBackend } from '@rnnkit/backend';
import { readSafetensors } from '@rnnkit/cells';
import { adam } from '@rnnkit/optim';
import { CharTokenizer } from '@rnnkit/tokenizer';
import {
  charLMFromPortable,
  charLMFromSafetensors,
  charLMToSafetensors,
  createCharLM,
  portableCharLM,
  predict,
  sample,
  trainStep,
} from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';

const info = await initBackend({ backend: 'wasm' });
const tokenizer = CharTokenizer.fromText('hihello', { order: 'first-seen' });
const x = tf.tensor2d([Array.from(tokenizer.encode('hihell'))], [1, 6], 'int32');
const y = tf.tensor2d([Array.from(tokenizer.encode('ihello'))], [1, 6], 'int32');
const model = createCharLM(
  { vocabSize: tokenizer.vocabSize, cell: 'lstm', hiddenSize: 5 },
  { seed: 0 },
);
const optimizer = adam({ learningRate: 0.1 });
let loss = Number.NaN;
for (let i = 0; i < 60; i++) {
  const step = trainStep(model, optimizer, x, y);
  loss = step.loss.dataSync()[0];
  tf.dispose([step.loss, step.gradNorm, step.state.h, step.state.c]);
}
const prediction = tokenizer.decode(predict(model, x).dataSync());
const greedy = tokenizer.decode(sample(model, tokenizer.encode('h'), 6, { greedy: true }));
const drawn = tokenizer.decode(
  sample(model, tokenizer.encode('h'), 12, { seed: 1, temperature: 0.7 }),
);
const { bytes } = charLMToSafetensors(portableCharLM(model, tokenizer));
const back = charLMFromPortable(charLMFromSafetensors(bytes));
const reloaded = tokenizer.decode(predict(back.model, x).dataSync());
console.log(
  JSON.stringify({
    backend: info.name,
    loss,
    prediction,
    greedy,
    drawn,
    reloaded,
    tensors: Object.keys(readSafetensors(bytes).arrays).length,
  }),
);
