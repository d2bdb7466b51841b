// The shape of the bench app's module (apps/bench), which `rnnkit bench` loads by path when
// it is there: the CLI does not depend on it, so that installing the CLI never pulls in
// tfjs-layers. Types only.
import type { CellType } from '@rnnkit/cells';

export interface BenchConfig {
  suite: 'train' | 'sample';
  cell: CellType;
  hidden: number;
  layers: number;
  batch: number;
  seqLength: number;
}

export declare function runBench(options: {
  backends?: readonly ('cpu' | 'wasm')[];
  json?: boolean;
  configs?: readonly BenchConfig[];
  out?: (text: string) => void;
}): Promise<unknown>;
