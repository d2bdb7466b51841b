import type { CellType } from '../recurrent.js';
import type { FusedCell } from './fused-cell.js';
import { fusedGru } from './fused-gru.js';
import { fusedLstm } from './fused-lstm.js';
import { fusedRnn } from './fused-rnn.js';

export const FUSED_CELLS: Record<CellType, FusedCell> = {
  rnn: fusedRnn,
  lstm: fusedLstm,
  gru: fusedGru,
};

/** Gate blocks G of a cell. */
export const GATES: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 };
