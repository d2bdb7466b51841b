export type { Rng } from '@rnnkit/core';
export { createRng } from '@rnnkit/core';
export type { BeamResult, BeamSearchOptions } from './beam-search.js';
export { beamSearch } from './beam-search.js';
export type { CharLM, CharLMConfig } from './char-lm.js';
export { charLMLogits, charLMParams, createCharLM, disposeCharLM } from './char-lm.js';
export type { CheckpointData, HistoryEntry, TrainingState } from './checkpoint/checkpoint-data.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint/checkpoint-data.js';
export { CheckpointError } from './checkpoint/checkpoint-error.js';
export { deserializeCheckpoint, parseModelJson } from './checkpoint/deserialize-checkpoint.js';
export { loadCharLM } from './checkpoint/load-char-lm.js';
export type { CheckpointArtifacts } from './checkpoint/serialize-checkpoint.js';
export { serializeCheckpoint } from './checkpoint/serialize-checkpoint.js';
export { conditionState, conditionWidth } from './condition-state.js';
export { ConfigError } from './config-error.js';
export { createTrainer } from './create-trainer.js';
export { decodeText } from './decode-text.js';
export type { Decoder, DecoderConfig, TrainingOptions } from './decoder.js';
export { createDecoder, decoderLogits, decoderParams } from './decoder.js';
export { decoderStep, disposeState } from './decoder-step.js';
export type { DropoutStepOptions } from './dropout-train-step.js';
export { dropoutTrainStep } from './dropout-train-step.js';
export type { EvalResult } from './evaluate.js';
export { evaluateStreams, evaluateText } from './evaluate.js';
export type { DecodeOptions } from './greedy-decode.js';
export { greedyDecode } from './greedy-decode.js';
export { checkCharLMParams } from './interop/check-params.js';
export type { LayersModelFiles } from './interop/layers-model-export.js';
export { charLMToLayersModel } from './interop/layers-model-export.js';
export { charLMFromLayersModel } from './interop/layers-model-import.js';
export { ModelFileError } from './interop/model-file-error.js';
export type { PortableCharLM } from './interop/portable-char-lm.js';
export { charLMShapes, checkCharLMConfig, inferCharLMConfig } from './interop/portable-char-lm.js';
export { charLMFromPortable, portableCharLM } from './interop/portable-model.js';
export type { CharLMSidecar } from './interop/safetensors-char-lm.js';
export {
  charLMFromSafetensors,
  charLMToSafetensors,
  readSidecar,
  SIDECAR_FORMAT,
  SIDECAR_VERSION,
  sidecarPath,
} from './interop/safetensors-char-lm.js';
export type { MinimizeResult } from './minimize-step.js';
export { minimize, minimizeStep } from './minimize-step.js';
export { predict } from './predict.js';
export type { ResumeOptions } from './resume-trainer.js';
export { resumeTrainer } from './resume-trainer.js';
export type { Sampler, SamplerOptions } from './sampler.js';
export { createSampler, sample } from './sampler.js';
export type { SamplingOptions } from './sampling.js';
export { drawFromLogits } from './sampling.js';
export type { Seq2Seq, Seq2SeqConfig } from './seq2seq.js';
export { createSeq2Seq, disposeSeq2Seq, encode, seq2seqLogits, seq2seqParams } from './seq2seq.js';
export type { SplitOptions, TextSplit } from './split-text.js';
export { splitText } from './split-text.js';
export type { CharCodec, TextGenerator, TextGeneratorOptions } from './text-generator.js';
export { createTextGenerator } from './text-generator.js';
export type { TextStreams } from './text-streams.js';
export { textStreams, windowAt } from './text-streams.js';
export type { ScheduleOptions, TrainConfig, TrainOptions } from './train-config.js';
export type { EndEvent, EvalEvent, StepEvent, TrainEvent } from './train-events.js';
export type { TrainStepOptions, TrainStepResult } from './train-step.js';
export { trainStep } from './train-step.js';
export type { Trainer } from './trainer.js';
export { TrainingDataError } from './training-data-error.js';
export { TrainingDivergedError } from './training-diverged-error.js';
export type { Check, Tolerance } from './verify/compare.js';
export { TOLERANCES } from './verify/compare.js';
export { ReferenceFormatError } from './verify/verify-error.js';
export type { VerifyReport } from './verify/verify-reference.js';
export { verifyReference } from './verify/verify-reference.js';
