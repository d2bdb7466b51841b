import { learningRateAt } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { windowAt } from '../data/text-streams.js';
import { TrainingDivergedError } from '../errors.js';
import { createSampler } from '../generate/sampler.js';
import { dropoutTrainStep } from './dropout-train-step.js';
import { evaluateStreams } from './evaluate-text.js';
import type { EvalEvent, TrainEvent } from './train-events.js';
import { trainStep } from './train-step.js';
import { setCarried, type TrainerState } from './trainer-state.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/**
 * The fit loop: one update per window, state carried between windows and reset at each epoch,
 * an evaluation every `evalEvery` steps and at the last. Awaits the event loop after every
 * step, so an AbortSignal (Ctrl-C) is seen within one step.
 */
export async function* trainLoop(
  s: TrainerState,
  signal?: AbortSignal,
): AsyncGenerator<TrainEvent> {
  const { train } = s.split;
  const { streams: B, seqLength: T, windows } = train;
  let sessionSeconds = 0;
  let sessionSteps = 0;
  while (s.step < s.config.steps) {
    if (signal?.aborted) {
      yield { type: 'end', reason: 'aborted', step: s.step };
      return;
    }
    const k = s.step % windows;
    if (k === 0) setCarried(s, undefined); // a new epoch starts from zeros, as in char-rnn
    const learningRate = learningRateAt(s.config.schedule, s.config.learningRate, s.step);
    s.optimizer.learningRate = learningRate;
    const start = performance.now();
    const { x, y } = windowAt(train, k);
    const xs = tf.tensor2d(x, [B, T], 'int32');
    const ys = tf.tensor2d(y, [B, T], 'int32');
    const options = { clipNorm: s.config.clipNorm ?? undefined, initialState: s.carried };
    let r: ReturnType<typeof trainStep>;
    try {
      r =
        s.config.dropout > 0
          ? dropoutTrainStep(s.model, s.optimizer, xs, ys, {
              ...options,
              dropout: s.config.dropout,
              random: s.rng,
            })
          : trainStep(s.model, s.optimizer, xs, ys, options);
    } finally {
      tf.dispose([xs, ys]);
    }
    // One scalar read per step: cpu and wasm run synchronously, so this costs no pipelining,
    // and the health guard needs every loss.
    const loss = r.loss.dataSync()[0] as number;
    const gradNorm = r.gradNorm.dataSync()[0] as number;
    tf.dispose([r.loss, r.gradNorm]);
    setCarried(s, r.state);
    const seconds = (performance.now() - start) / 1000;
    sessionSeconds += seconds;
    sessionSteps += 1;
    s.elapsedSeconds += seconds;
    checkHealth(s, loss, gradNorm);
    s.step += 1;
    s.interval.lossSum += loss;
    s.interval.steps += 1;
    const charsPerSec = (sessionSteps * B * T) / sessionSeconds;
    const etaSeconds = ((s.config.steps - s.step) * sessionSeconds) / sessionSteps;
    const epoch = s.step / windows;
    const steps = s.config.steps;
    yield {
      type: 'step',
      step: s.step,
      steps,
      epoch,
      loss,
      gradNorm,
      learningRate,
      charsPerSec,
      etaSeconds,
    };
    if (s.step % s.config.evalEvery === 0 || s.step === steps) {
      const evalStart = performance.now();
      const event = await evaluateNow(s, charsPerSec);
      s.elapsedSeconds += (performance.now() - evalStart) / 1000;
      yield { ...event, elapsedSeconds: s.elapsedSeconds };
    }
    await yieldToEventLoop();
  }
  yield { type: 'end', reason: 'completed', step: s.step };
}

function checkHealth(s: TrainerState, loss: number, gradNorm: number, step = s.step + 1): void {
  const advice = `The last good checkpoint is kept. Lower the learning rate (now ${s.config.learningRate}) or clip harder (clip norm now ${s.config.clipNorm ?? 'off'}), then resume or start again.`;
  let problem: string | undefined;
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
    problem = `The loss became ${Number.isFinite(loss) ? `finite but the gradient norm ${gradNorm}` : loss} at step ${step}: training stopped.`;
  } else if (s.initialLoss !== null && loss > s.config.explodeFactor * s.initialLoss) {
    problem = `The loss exploded at step ${step} (${loss.toFixed(4)} nats/char, more than ${s.config.explodeFactor}x the first step's ${s.initialLoss.toFixed(4)}): training stopped.`;
  }
  if (problem) {
    s.diverged = true;
    throw new TrainingDivergedError(`${problem} ${advice}`, step, loss);
  }
  s.initialLoss ??= loss;
}

async function evaluateNow(
  s: TrainerState,
  charsPerSec: number,
): Promise<Omit<EvalEvent, 'elapsedSeconds'>> {
  const trainLoss = s.interval.lossSum / s.interval.steps;
  s.interval = { lossSum: 0, steps: 0 };
  const val = s.split.val ? await evaluateStreams(s.model, s.split.val) : undefined;
  // Weights whose validation loss is not finite are damaged: fail before anyone saves them.
  if (val && !Number.isFinite(val.loss)) checkHealth(s, val.loss, 0, s.step);
  const best = val !== undefined && (s.bestValLoss === null || val.loss < s.bestValLoss);
  if (best) {
    s.bestValLoss = val.loss;
    s.bestStep = s.step;
  }
  s.history.push({ step: s.step, trainLoss, valLoss: val?.loss ?? null });
  return {
    type: 'eval',
    step: s.step,
    steps: s.config.steps,
    epoch: s.step / s.split.train.windows,
    trainLoss,
    valLoss: val?.loss ?? null,
    valBpc: val?.bitsPerChar ?? null,
    valPerplexity: val?.perplexity ?? null,
    best,
    sample: await drawSample(s),
    charsPerSec,
  };
}

/** A sample from a newline (or the text's first character), seeded from the run's RNG. */
async function drawSample(s: TrainerState): Promise<string> {
  if (s.config.sampleLength === 0) return '';
  const seed = Math.floor(s.rng() * 2 ** 32);
  const prime = s.tokenizer.idOf('\n') ?? (s.split.train.ids[0] as number);
  const sampler = createSampler(s.model, { seed });
  const ids: number[] = [];
  try {
    sampler.prime([prime]);
    for (let i = 0; i < s.config.sampleLength; i++) {
      ids.push(sampler.next());
      if (i % 16 === 15) await yieldToEventLoop();
    }
  } finally {
    sampler.dispose();
  }
  const text = s.tokenizer.decode(ids);
  return s.tokenizer.charOf(prime) === '\n' ? text : s.tokenizer.decode([prime]) + text;
}
