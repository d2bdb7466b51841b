import type { CellType } from './cell-type.js';
import type { CellMath, FusedCell } from './contract.js';
import { fusedGru, gruCell } from './gru.js';
import { fusedLstm, lstmCell } from './lstm.js';
import { fusedRnn, rnnCell } from './rnn.js';

// Apart from the contract (contract.ts) so that the cells import the contract and the
// registry imports the cells, never the other way round.
const CELLS: Record<CellType, { math: CellMath; fused: FusedCell }> = {
  rnn: { math: rnnCell, fused: fusedRnn },
  lstm: { math: lstmCell, fused: fusedLstm },
  gru: { math: gruCell, fused: fusedGru },
};

/** The arithmetic of `cell` in tfjs ops. */
export function cellMath(cell: CellType): CellMath {
  return CELLS[cell].math;
}

/** The arithmetic of `cell` on raw float32 data, for the fused kernels and the stepper. */
export function fusedCell(cell: CellType): FusedCell {
  return CELLS[cell].fused;
}
