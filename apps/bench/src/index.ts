export type { BenchConfig } from './configs.js';
export { CONFIGS, VOCAB } from './configs.js';
export { loadTfjsLayers, type TfjsLayers } from './load-tfjs-layers.js';
export type { Measurement } from './measure.js';
export type { Row } from './report.js';
export { formatTable } from './report.js';
export type { BenchOptions } from './run-bench.js';
export { runBench } from './run-bench.js';
export { findOpenblasDir, pythonPath, TORCH_QUALITY } from './start-torch.js';
