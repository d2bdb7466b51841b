// The whole public API of @rnnkit/cells, by folder.

export { createRng, ShapeError } from '@rnnkit/core';

// cell/: the cell types
export { ACTIVATIONS, type Activation, isActivation } from './cell/activations.js';
export { CELL_TYPES, type CellType, gateCount, isCellType } from './cell/cell-type.js';
export {
  type CustomCell,
  type CustomCellInit,
  type CustomCellParam,
  type CustomCellSizes,
  type CustomCellSpec,
  type CustomCellState,
  type CustomRecurrent,
  type CustomRecurrentConfig,
  createCustomRecurrent,
  defineCell,
  isCustomRecurrent,
} from './cell/custom-cell.js';

// the network value, created, named, freed
export { createRecurrent } from './create-recurrent.js';
// errors (wrong shapes throw core's ShapeError, re-exported above)
export {
  CustomCellError,
  KerasLayoutError,
  KernelBackendError,
  RecurrentOptionError,
  SafetensorsError,
  type SafetensorsErrorCode,
  WeightFormatError,
} from './errors.js';
// init/: seeded initialisers
export { glorotUniform } from './init/glorot-uniform.js';
export type { InitOptions } from './init/options.js';
export { orthogonal } from './init/orthogonal.js';
export { uniform } from './init/uniform.js';
// layers/
export { type DropoutOptions, dropout } from './layers/dropout.js';
export { createEmbedding, type Embedding, embed } from './layers/embedding.js';
export { applyLinear, createLinear, type Linear } from './layers/linear.js';
export { linearSequenceLoss } from './layers/linear-sequence-loss.js';
export { oneHot } from './layers/one-hot.js';
export {
  disposeRecurrent,
  type Recurrent,
  type RecurrentConfig,
  type RecurrentLayer,
  type RecurrentState,
  recurrentParams,
  zeroState,
} from './recurrent.js';

// sequence/: running a network over sequences and steps
export {
  type Bidirectional,
  type BidirectionalConfig,
  type BidirectionalState,
  bidirectionalParams,
  type CustomBidirectional,
  type CustomBidirectionalConfig,
  createBidirectional,
  createCustomBidirectional,
  disposeBidirectional,
  type MergeMode,
} from './sequence/bidirectional.js';
export { lengthMask } from './sequence/masks.js';
export { lastValidStep, meanOverValid } from './sequence/pool-sequence.js';
export {
  createStepper,
  type RecurrentStepper,
  type StepperOptions,
} from './sequence/recurrent-stepper.js';
export { reverseSequence } from './sequence/reverse-sequence.js';
export {
  type BidirectionalResult,
  type BidirectionalRunOptions,
  runBidirectional,
} from './sequence/run-bidirectional.js';
export { type RunOptions, type RunResult, runRecurrent } from './sequence/run-recurrent.js';
export { runVariational, type VariationalOptions } from './sequence/run-variational.js';
export { createStateful, type StatefulRecurrent } from './sequence/stateful.js';
export { stepRecurrent } from './sequence/step-recurrent.js';

// weights/: named arrays, state dicts, Keras layout, safetensors
export {
  type KerasGruVariant,
  type KerasLayerWeights,
  kerasToStateDict,
  stateDictToKeras,
} from './weights/keras-layout.js';
export { loadRecurrentKerasWeights, recurrentKerasWeights } from './weights/keras-weights.js';
export {
  type NamedArray,
  type NamedArrays,
  type NestedArray,
  transposeNamedArray,
  type WeightDict,
} from './weights/named-arrays.js';
export type { SafetensorsDtype } from './weights/safetensors/dtype.js';
export {
  parseSafetensors,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './weights/safetensors/parse.js';
export { readSafetensors, type SafetensorsWeights } from './weights/safetensors/read.js';
export { writeSafetensors } from './weights/safetensors/write.js';
export {
  loadParamsStateDict,
  loadRecurrentStateDict,
  paramsStateDict,
  recurrentStateDict,
} from './weights/state-dict.js';
