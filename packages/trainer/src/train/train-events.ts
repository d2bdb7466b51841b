/** After every update. */
export interface StepEvent {
  type: 'step';
  /** Updates done so far (1 after the first). */
  step: number;
  /** Total updates of the run. */
  steps: number;
  /** Fractional epochs done: step / windows per epoch. */
  epoch: number;
  /** This step's loss, nats per character (before its update). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Learning rate this step used. */
  learningRate: number;
  /** Training throughput since this run (or resume) started, evaluations excluded. */
  charsPerSec: number;
  /** Estimated seconds to the last step, evaluations excluded. */
  etaSeconds: number;
}

/** At every `evalEvery` steps and at the last step. */
export interface EvalEvent {
  type: 'eval';
  step: number;
  steps: number;
  epoch: number;
  /** Mean training loss since the previous evaluation (nats/char). */
  trainLoss: number;
  /** Validation loss, bits per character and perplexity; `null` without a validation split. */
  valLoss: number | null;
  valBpc: number | null;
  valPerplexity: number | null;
  /** True when valLoss is the lowest so far: a caller keeping the best checkpoint saves now. */
  best: boolean;
  /** Text sampled from the model (empty when `sampleLength` is 0). */
  sample: string;
  charsPerSec: number;
  /** Training wall time so far, evaluations included, across resumes. */
  elapsedSeconds: number;
}

/** The last event of a run: it reached its step count, or its AbortSignal fired. */
export interface EndEvent {
  type: 'end';
  reason: 'completed' | 'aborted';
  step: number;
}

export type TrainEvent = StepEvent | EvalEvent | EndEvent;
