// The whole public API of @rnnkit/trainer, by folder. What only the trainer's own modules (or
// its tests) call stays unexported, so it can change without a major version.

// data/: text in
export { decodeText } from './data/decode-text.js';
export { type SplitOptions, splitText, type TextSplit } from './data/split-text.js';
export {
  type TokenizeBytesOptions,
  type TokenizedText,
  type TokenizePhase,
  tokenizeBytes,
} from './data/tokenize-bytes.js';
export {
  CheckpointError,
  ConfigError,
  ModelFileError,
  ReferenceFormatError,
  TrainingDataError,
  TrainingDivergedError,
} from './errors.js';
// files/: whole models to and from checkpoints, safetensors (PyTorch) and tfjs-layers (Keras)
export type { CheckpointData, HistoryEntry, TrainingState } from './files/checkpoint-data.js';
export type { CheckpointManifest } from './files/deserialize-checkpoint.js';
export {
  deserializeCheckpoint,
  parseModelJson,
  readCheckpointManifest,
} from './files/deserialize-checkpoint.js';
export {
  disposeKerasModel,
  type KerasModel,
  loadKerasModel,
  predictKerasModel,
} from './files/keras-model.js';
export {
  type KerasExport,
  type KerasExportOptions,
  kerasModelToLayersModel,
} from './files/keras-model-export.js';
export {
  type KerasLayerSpec,
  type KerasModelSpec,
  type KerasRecurrentSpec,
  readKerasModel,
} from './files/keras-model-spec.js';
export type { LayersModelFiles } from './files/layers-model-export.js';
export { charLMToLayersModel } from './files/layers-model-export.js';
export { charLMFromLayersModel } from './files/layers-model-import.js';
export { readLayersManifest } from './files/layers-model-schema.js';
export { loadCharLM } from './files/load-char-lm.js';
export { CHAR_LM_LIMITS } from './files/model-limits.js';
export type { PortableCharLM } from './files/portable-char-lm.js';
export { charLMFromPortable, portableCharLM } from './files/portable-char-lm.js';
export type { CharLMSidecar } from './files/safetensors-char-lm.js';
export {
  charLMFromSafetensors,
  charLMToSafetensors,
  sidecarPath,
} from './files/safetensors-char-lm.js';
export type { CheckpointArtifacts } from './files/serialize-checkpoint.js';
export { serializeCheckpoint } from './files/serialize-checkpoint.js';
// generate/: text and tokens out
export type { BeamResult, BeamSearchOptions } from './generate/beam-search.js';
export { beamSearch } from './generate/beam-search.js';
export { decoderStep, disposeState } from './generate/decoder-step.js';
export type { SamplingOptions } from './generate/draw-from-logits.js';
export { drawFromLogits } from './generate/draw-from-logits.js';
export type { DecodeOptions } from './generate/greedy-decode.js';
export { greedyDecode } from './generate/greedy-decode.js';
export { predict } from './generate/predict.js';
export type { Sampler, SamplerOptions } from './generate/sampler.js';
export { createSampler, sample } from './generate/sampler.js';
export type { CharCodec, TextGenerator, TextGeneratorOptions } from './generate/text-generator.js';
export { createTextGenerator } from './generate/text-generator.js';
// models/: the networks, their parameters and their forward passes
export type { CharLM, CharLMConfig } from './models/char-lm.js';
export {
  charLMLogits,
  charLMLoss,
  charLMParams,
  createCharLM,
  disposeCharLM,
} from './models/char-lm.js';
export { conditionState, conditionWidth } from './models/condition-state.js';
export type { Decoder, DecoderConfig, TrainingOptions } from './models/decoder.js';
export { createDecoder, decoderLogits, decoderParams } from './models/decoder.js';
export type { Seq2Seq, Seq2SeqConfig } from './models/seq2seq.js';
export {
  createSeq2Seq,
  disposeSeq2Seq,
  encode,
  seq2seqLogits,
  seq2seqParams,
} from './models/seq2seq.js';
// train/: one update, a whole run, evaluation
export type { DropoutStepOptions } from './train/dropout-train-step.js';
export { dropoutTrainStep } from './train/dropout-train-step.js';
export type { EvalResult } from './train/evaluate-text.js';
export { evaluateText } from './train/evaluate-text.js';
export { minimizeStep } from './train/minimize-step.js';
export type {
  InitName,
  ScheduleOptions,
  TrainConfig,
  TrainOptions,
} from './train/train-config.js';
export { INIT_NAMES } from './train/train-config.js';
export type { TrainStepOptions, TrainStepResult } from './train/train-step.js';
export { trainStep } from './train/train-step.js';
export type {
  EndEvent,
  EvalEvent,
  ResumeOptions,
  RunOptions,
  StepEvent,
  TrainEvent,
  Trainer,
} from './train/trainer.js';
export { createTrainer, resumeTrainer } from './train/trainer.js';
// verify/: PyTorch reference files through the whole library
export type { Check, Tolerance } from './verify/compare.js';
export type { VerifyReport } from './verify/verify-reference.js';
export { verifyReference } from './verify/verify-reference.js';
