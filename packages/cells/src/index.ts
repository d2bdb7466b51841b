export { createRng, ShapeError } from '@rnnkit/core';
export type {
  Bidirectional,
  BidirectionalConfig,
  BidirectionalState,
  MergeMode,
} from './bidirectional.js';
export {
  bidirectionalParams,
  createBidirectional,
  disposeBidirectional,
  MERGE_MODES,
  mergedSize,
} from './bidirectional.js';
export { createRecurrent } from './create-recurrent.js';
export { disposeRecurrent } from './dispose-recurrent.js';
export type { DropoutOptions } from './dropout.js';
export { dropout } from './dropout.js';
export type { Embedding } from './embedding.js';
export { createEmbedding, embed } from './embedding.js';
export { glorotUniform } from './glorot-uniform.js';
export type { InitOptions } from './init-options.js';
export type { KerasGruVariant, KerasLayerWeights } from './keras-layout.js';
export { kerasToStateDict, stateDictToKeras } from './keras-layout.js';
export { KerasLayoutError } from './keras-layout-error.js';
export { loadRecurrentKerasWeights, recurrentKerasWeights } from './keras-weights.js';
export { lengthMask } from './length-mask.js';
export type { Linear } from './linear.js';
export { applyLinear, createLinear } from './linear.js';
export {
  type NamedArray,
  type NamedArrays,
  type NestedArray,
  transposeNamedArray,
  type WeightDict,
} from './named-arrays.js';
export { oneHot } from './one-hot.js';
export { orthogonal } from './orthogonal.js';
export { loadParamsStateDict, paramsStateDict } from './params-state-dict.js';
export type { SafetensorsFile, SafetensorsTensor } from './parse-safetensors.js';
export { parseSafetensors } from './parse-safetensors.js';
export { lastValidStep, meanOverValid } from './pool-sequence.js';
export type { SafetensorsWeights } from './read-safetensors.js';
export { readSafetensors } from './read-safetensors.js';
export type {
  CellType,
  Recurrent,
  RecurrentConfig,
  RecurrentLayer,
  RecurrentState,
} from './recurrent.js';
export { CELL_TYPES, gateCount, isCellType } from './recurrent.js';
export { recurrentParams } from './recurrent-params.js';
export { loadRecurrentStateDict, recurrentStateDict } from './recurrent-state-dict.js';
export type { RecurrentStepper } from './recurrent-stepper.js';
export { createStepper } from './recurrent-stepper.js';
export { reverseSequence } from './reverse-sequence.js';
export type { BidirectionalResult, BidirectionalRunOptions } from './run-bidirectional.js';
export { runBidirectional } from './run-bidirectional.js';
export type { RunOptions, RunResult } from './run-recurrent.js';
export { runRecurrent } from './run-recurrent.js';
export type { VariationalOptions } from './run-variational.js';
export { runVariational } from './run-variational.js';
export type { SafetensorsDtype } from './safetensors-dtype.js';
export type { SafetensorsErrorCode } from './safetensors-error.js';
export { SafetensorsError } from './safetensors-error.js';
export { stepRecurrent } from './step-recurrent.js';
export { uniform } from './uniform.js';
export { WeightFormatError } from './weight-format-error.js';
export { writeSafetensors } from './write-safetensors.js';
export { zeroState } from './zero-state.js';
