export { createRng, ShapeError } from '@rnnkit/core';
export { CELL_TYPES, type CellType, gateCount, isCellType } from './cell/cell-type.js';
export { createRecurrent } from './create-recurrent.js';
export type { SafetensorsErrorCode } from './errors.js';
export { KerasLayoutError, SafetensorsError, WeightFormatError } from './errors.js';
export { glorotUniform } from './init/glorot-uniform.js';
export type { InitOptions } from './init/options.js';
export { orthogonal } from './init/orthogonal.js';
export { uniform } from './init/uniform.js';
export type { DropoutOptions } from './layers/dropout.js';
export { dropout } from './layers/dropout.js';
export type { Embedding } from './layers/embedding.js';
export { createEmbedding, embed } from './layers/embedding.js';
export type { Linear } from './layers/linear.js';
export { applyLinear, createLinear } from './layers/linear.js';
export { oneHot } from './layers/one-hot.js';
export type {
  Recurrent,
  RecurrentConfig,
  RecurrentLayer,
  RecurrentState,
} from './recurrent.js';
export { disposeRecurrent, recurrentParams, zeroState } from './recurrent.js';
export type {
  Bidirectional,
  BidirectionalConfig,
  BidirectionalState,
  MergeMode,
} from './sequence/bidirectional.js';
export {
  bidirectionalParams,
  createBidirectional,
  disposeBidirectional,
  MERGE_MODES,
  mergedSize,
} from './sequence/bidirectional.js';
export { lengthMask } from './sequence/masks.js';
export { lastValidStep, meanOverValid } from './sequence/pool-sequence.js';
export type { RecurrentStepper } from './sequence/recurrent-stepper.js';
export { createStepper } from './sequence/recurrent-stepper.js';
export { reverseSequence } from './sequence/reverse-sequence.js';
export type { BidirectionalResult, BidirectionalRunOptions } from './sequence/run-bidirectional.js';
export { runBidirectional } from './sequence/run-bidirectional.js';
export type { RunOptions, RunResult } from './sequence/run-recurrent.js';
export { runRecurrent } from './sequence/run-recurrent.js';
export type { VariationalOptions } from './sequence/run-variational.js';
export { runVariational } from './sequence/run-variational.js';
export { stepRecurrent } from './sequence/step-recurrent.js';
export type { KerasGruVariant, KerasLayerWeights } from './weights/keras-layout.js';
export { kerasToStateDict, stateDictToKeras } from './weights/keras-layout.js';
export { loadRecurrentKerasWeights, recurrentKerasWeights } from './weights/keras-weights.js';
export {
  type NamedArray,
  type NamedArrays,
  type NestedArray,
  transposeNamedArray,
  type WeightDict,
} from './weights/named-arrays.js';
export { loadRecurrentStateDict, recurrentStateDict } from './weights/state-dict.js';
export type { SafetensorsDtype } from './weights/safetensors/dtype.js';
export type { SafetensorsFile, SafetensorsTensor } from './weights/safetensors/parse.js';
export { parseSafetensors } from './weights/safetensors/parse.js';
export type { SafetensorsWeights } from './weights/safetensors/read.js';
export { readSafetensors } from './weights/safetensors/read.js';
export { writeSafetensors } from './weights/safetensors/write.js';
export { loadParamsStateDict, paramsStateDict } from './weights/state-dict.js';
