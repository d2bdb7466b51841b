import { clipByGlobalNorm } from '@rnnkit/optim';
import { type Check, compare, TOLERANCES } from './compare.js';
import type { ClipReference } from './reference-types.js';
import { scoped } from './scoped.js';
import { tensorOf } from './verify-cell.js';

/** Runs a `clip_global_norm` reference: the global norm and the clipped tensors of each case. */
export function verifyClip(ref: ClipReference): Check[] {
  return ref.cases.flatMap((c) =>
    scoped(() => {
      const { clipped, globalNorm } = clipByGlobalNorm(
        c.tensors.map((t) => tensorOf(t)),
        c.clip_norm,
      );
      return [
        compare(`${c.name} global_norm`, globalNorm.dataSync(), c.global_norm, TOLERANCES.clip),
        ...clipped.map((t, i) =>
          compare(`${c.name} clipped[${i}]`, t.dataSync(), c.clipped[i], TOLERANCES.clip),
        ),
      ];
    }),
  );
}
