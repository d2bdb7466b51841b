// The messages between the page (main thread) and the training worker. Plain data only, so
// every message survives structured cloning; ArrayBuffers are transferred, not copied.
import type { TrainOptions } from '@rnnkit/trainer';

export type BackendChoice = 'cpu' | 'wasm';

export interface SampleSettings {
  prime: string;
  length: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  greedy: boolean;
}

export type ToWorker =
  | { type: 'init'; backend: BackendChoice; threads: number; wasmPaths: string }
  | { type: 'decode'; bytes: ArrayBuffer; name: string }
  | {
      type: 'train';
      text: string;
      name: string;
      options: TrainOptions;
      /** Log the lecture's `<i> loss: … prediction: …` line after every step. */
      lecture: boolean;
      /** Continue the loaded checkpoint (resumeTrainer) instead of starting from scratch. */
      continueLoaded: boolean;
      /** Data-parallel threads: used only where the page is cross-origin isolated. */
      workers: WorkersChoice;
    }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'inside'; text: string; topK: number }
  | ({ type: 'sample'; id: number } & SampleSettings)
  | { type: 'cancel-sample' }
  | { type: 'save' }
  | { type: 'load'; modelJson: unknown; weightData: ArrayBuffer }
  | { type: 'export-safetensors' }
  | { type: 'memory' };

export interface ModelSummary {
  cell: string;
  hiddenSize: number;
  numLayers: number;
  vocabSize: number;
  step: number;
  /** Where the model came from: trained in this page, or loaded from a checkpoint. */
  origin: 'trained' | 'loaded';
}

export interface BackendStatus {
  name: BackendChoice;
  simd: boolean;
  threads: number;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  tfjsVersion: string;
}

/** The "workers" setting: data-parallel sub-workers of the training worker. */
export type WorkersChoice = 'auto' | 1 | 2;

/** How many threads a run trains on (the training worker and its sub-workers), and why. */
export interface WorkersStatus {
  workers: number;
  requested: WorkersChoice;
  reason: 'set' | 'auto' | 'auto-small' | 'one-core' | 'not-isolated' | 'batch';
}

export interface StepPoint {
  step: number;
  loss: number;
}

export interface LectureLine {
  step: number;
  loss: number;
  prediction: string;
}

export interface Progress {
  step: number;
  steps: number;
  epoch: number;
  loss: number;
  learningRate: number;
  charsPerSec: number;
  etaSeconds: number;
}

export interface InsideView {
  /** The characters the model read (unknown ones left out). */
  chars: string[];
  skipped: string[];
  /** hidden[layer][step][unit]: the hidden state h after each character. */
  hidden: number[][][];
  /** The top-k next-character probabilities after each character, most likely first. */
  top: { char: string; p: number }[][];
}

export type FromWorker =
  | { type: 'ready'; status: BackendStatus }
  | { type: 'decoded'; name: string; text: string; chars: number; distinct: number }
  | {
      type: 'started';
      steps: number;
      startStep: number;
      vocabSize: number;
      windowsPerEpoch: number;
      trainChars: number;
      valChars: number;
      target?: string;
    }
  | {
      type: 'progress';
      points: StepPoint[];
      lecture: LectureLine[];
      last: Progress;
      numTensors: number;
    }
  | {
      type: 'eval';
      step: number;
      trainLoss: number;
      valLoss: number | null;
      valBpc: number | null;
      sample: string;
    }
  | ({ type: 'workers' } & WorkersStatus)
  | { type: 'ended'; reason: 'completed' | 'paused' | 'stopped'; step: number; numTensors: number }
  | ({ type: 'inside'; numTensors: number } & InsideView)
  | { type: 'sample-chunk'; id: number; text: string }
  | { type: 'sample-end'; id: number; skipped: string[]; numTensors: number }
  | { type: 'saved'; modelJson: unknown; weightData: ArrayBuffer; summary: ModelSummary }
  | { type: 'loaded'; summary: ModelSummary }
  | { type: 'exported'; bytes: Uint8Array; sidecar: unknown }
  | { type: 'memory'; numTensors: number }
  | { type: 'error'; context: ErrorContext; name: string; message: string };

export type ErrorContext =
  | 'init'
  | 'decode'
  | 'train'
  | 'inside'
  | 'sample'
  | 'save'
  | 'load'
  | 'export';
