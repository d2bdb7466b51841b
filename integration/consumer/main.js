// A consumer's browser page: the bundler ships tfjs's .wasm files as assets and hands their
// URLs to initBackend, then the page trains "hihello" and samples from it.
import { initBackend } from '@rnnkit/backend';
import { adam } from '@rnnkit/optim';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { createCharLM, sample, trainStep } from '@rnnkit/trainer';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';

const wasmPaths = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threaded,
};
const info = await initBackend({ backend: 'auto', wasmPaths });
const tokenizer = CharTokenizer.fromText('hihello', { order: 'first-seen' });
const x = tf.tensor2d([Array.from(tokenizer.encode('hihell'))], [1, 6], 'int32');
const y = tf.tensor2d([Array.from(tokenizer.encode('ihello'))], [1, 6], 'int32');
const model = createCharLM({ vocabSize: tokenizer.vocabSize, hiddenSize: 5 }, { seed: 0 });
const optimizer = adam({ learningRate: 0.1 });
for (let i = 0; i < 60; i++) tf.dispose(Object.values(trainStep(model, optimizer, x, y)));
const text = tokenizer.decode(sample(model, tokenizer.encode('h'), 6, { greedy: true }));
document.getElementById('out').textContent = `${info.name}: h${text}`;
