/** How parameters are initialised; see `createRecurrent`, `createLinear` and `createEmbedding`. */
export interface InitOptions {
  /**
   * `'keras'` (default): Glorot-uniform input weights, orthogonal recurrent weights, zero biases
   * (LSTM forget bias 1). `'pytorch'`: PyTorch's uniform defaults.
   */
  init?: 'keras' | 'pytorch';
  /** Seed of the random stream; the same seed gives the same weights. Default 0. */
  seed?: number;
}

/** Seed used when `InitOptions.seed` is not given: initialisation is always reproducible. */
export const DEFAULT_SEED = 0;
