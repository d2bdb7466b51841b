// Runs in the browser page: starts the wasm backend with the thread count from the URL, times a
// plain matMul and rnnkit's char-LM trainStep, and posts the numbers back to the server.
import { backendInfo, initBackend } from '@rnnkit/backend';
import { adam } from '@rnnkit/optim';
import { createCharLM, disposeCharLM, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';

const params = new URL(location.href).searchParams;
const threads = Number(params.get('threads') ?? '1');
const steps = Number(params.get('steps') ?? '10');
// tfjs-backend-wasm 4.22 caps its pool at navigator.hardwareConcurrency / 2 (it assumes two
// hyperthreads per core), so on a 2-vCPU machine any thread count becomes 1. `cores` overrides
// what the page reports, to let the pool reach the requested size there.
const cores = params.get('cores');
if (cores != null) {
  Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => Number(cores) });
}
const [VOCAB, HIDDEN, BATCH, T] = [65, 128, 32, 64];

function seededIds(count, vocab) {
  let s = 1;
  return Int32Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) % vocab;
  });
}

function timeIt(fn, reps) {
  fn(); // warm-up: compiles kernels, grows the heap
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

async function run() {
  await initBackend({ backend: 'wasm', threads, wasmPaths: new URL('./', location.href).href });
  const info = backendInfo();
  const multithreadFlag = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');

  const a = tf.randomNormal([512, 512], 0, 1, 'float32', 1);
  const matMulMs = timeIt(() => tf.matMul(a, a).dataSync(), 20);
  tf.dispose(a);

  const model = createCharLM({ vocabSize: VOCAB, cell: 'lstm', hiddenSize: HIDDEN }, { seed: 0 });
  const data = tf.tensor2d(seededIds(BATCH * (T + 1), VOCAB), [BATCH, T + 1], 'int32');
  const x = tf.slice(data, [0, 0], [BATCH, T]);
  const y = tf.slice(data, [0, 1], [BATCH, T]);
  const optimizer = adam({ learningRate: 0.002 });
  const stepMs = timeIt(() => {
    const r = trainStep(model, optimizer, x, y);
    r.loss.dataSync();
    tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c]);
  }, steps);
  tf.dispose([data, x, y]);
  optimizer.dispose();
  disposeCharLM(model);

  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    info,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    multithreadFlag,
    hardwareConcurrency: navigator.hardwareConcurrency,
    matMul512Ms: matMulMs,
    stepMs,
    charsPerSec: (BATCH * T * 1000) / stepMs,
  };
}

run()
  .catch((error) => ({ error: String(error?.stack ?? error) }))
  .then((result) =>
    fetch('/result', { method: 'POST', body: JSON.stringify({ threads, ...result }) }),
  );
