/** `'rnn'` is the vanilla tanh RNN (PyTorch `nn.RNN`, Keras `SimpleRNN`). */
/** The cell types rnnkit runs, in the order its docs list them. */
export const CELL_TYPES = ['rnn', 'lstm', 'gru'] as const;

export type CellType = (typeof CELL_TYPES)[number];

/** Whether `value` names a cell type: for checking a config read from a file or the user. */
export function isCellType(value: unknown): value is CellType {
  return (CELL_TYPES as readonly unknown[]).includes(value);
}

/**
 * Gate blocks per cell type: G in the weight shapes `[G*H, ·]`.
 *
 * @example
 * ```ts
 * gateCount('lstm'); // 4: i, f, g, o
 * ```
 */
const GATE_COUNT: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 };

export function gateCount(cell: CellType): number {
  return GATE_COUNT[cell];
}
