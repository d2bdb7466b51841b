import type { Check } from './compare.js';
import { parseReference, type Reference } from './reference-types.js';
import { verifyAdam } from './verify-adam.js';
import { verifyCell } from './verify-cell.js';
import { verifyClip } from './verify-clip.js';
import { verifyMasked } from './verify-masked.js';
import { verifySeqLoss } from './verify-seqloss.js';
import { verifyTrainer } from './verify-trainer.js';

/** The outcome of running one reference file through the library. */
export interface VerifyReport {
  kind: Reference['kind'];
  checks: Check[];
  passed: boolean;
  /** Largest absolute error over every check. */
  worstAbs: number;
  /** Largest relative error over every check. */
  worstRel: number;
}

/**
 * Runs one parsed reference file (format: the reference vectors' README) through rnnkit on the
 * active backend and compares every quantity with its tolerance. Dispatches on the file's
 * `kind` (cell files are recognised by their `cell` field), not on its name, so files with
 * other shapes and seeds work too.
 *
 * @example
 * ```ts
 * const report = verifyReference(JSON.parse(readFileSync('cell_lstm_l1_small_rand.json', 'utf8')));
 * console.log(report.passed, report.worstAbs);
 * ```
 */
export function verifyReference(json: unknown): VerifyReport {
  const ref = parseReference(json);
  const checks = run(ref);
  return {
    kind: ref.kind,
    checks,
    passed: checks.length > 0 && checks.every((c) => c.passed),
    worstAbs: Math.max(0, ...checks.map((c) => c.worstAbs)),
    worstRel: Math.max(0, ...checks.map((c) => c.worstRel)),
  };
}

function run(ref: Reference): Check[] {
  switch (ref.kind) {
    case 'cell':
      return verifyCell(ref);
    case 'sequence_loss':
      return verifySeqLoss(ref);
    case 'adam':
      return verifyAdam(ref);
    case 'clip_by_global_norm':
      return verifyClip(ref);
    case 'trainer':
      return verifyTrainer(ref);
    case 'masked_recurrent':
    case 'keras_recurrent':
      return verifyMasked(ref);
  }
}
