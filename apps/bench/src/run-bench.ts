import { initBackend } from '@rnnkit/backend';
import { type BenchConfig, CONFIGS, describeConfig, layersStepSeconds } from './configs.js';
import { layersRunner } from './layers-runner.js';
import { loadTfjsLayers } from './load-tfjs-layers.js';
import { type Measurement, measure } from './measure.js';
import { formatTable, type Row } from './report.js';
import { type Runner, rnnkitRunner } from './rnnkit-runner.js';

export interface BenchOptions {
  backends?: readonly ('cpu' | 'wasm')[];
  /** One JSON line per measurement and per ratio instead of the table. */
  json?: boolean;
  /** Only these configurations (default: every row of issue 3's table). */
  configs?: readonly BenchConfig[];
  /** Seconds each implementation is timed per configuration, after warm-up (default 3). */
  seconds?: number;
  out?: (text: string) => void;
}

/** Longest a tfjs-layers row may take (warm-up plus timed steps) before it is skipped. */
const LAYERS_BUDGET_SECONDS = 60;

/**
 * rnnkit against tfjs-layers on the same backend, configuration and data, in this process,
 * one after the other per configuration. Returns the rows; prints JSON lines or a table.
 */
export async function runBench(options: BenchOptions = {}): Promise<Row[]> {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const tfl = await loadTfjsLayers();
  const rows: Row[] = [];
  for (const backend of options.backends ?? ['wasm', 'cpu']) {
    await initBackend({ backend });
    for (const config of options.configs ?? CONFIGS) {
      const { suite, ...shape } = config;
      const base = { backend, ...shape };
      const timing = (seconds: number) => ({
        minSeconds: options.seconds ?? 3,
        minSteps: seconds > 10 ? 1 : 2,
        maxSteps: 200,
      });
      const rnnkit = await run(() => rnnkitRunner(config), timing(0));
      emit(out, options.json, { suite, impl: 'rnnkit', ...base, ...rnnkit });
      let layers: Measurement | undefined;
      let skipped: string | undefined;
      const expected = layersStepSeconds(backend, config);
      if (tfl == null) skipped = '@tensorflow/tfjs-layers is not installed';
      else if (expected != null && expected * 3 > LAYERS_BUDGET_SECONDS) {
        skipped = `~${Math.round(expected)} s per step: warm-up and 2 steps exceed ${LAYERS_BUDGET_SECONDS} s`;
      } else {
        layers = await run(() => layersRunner(tfl, config), timing(expected ?? 0));
        emit(out, options.json, { suite, impl: 'tfjs-layers', ...base, ...layers });
      }
      const ratio = layers ? Math.round((rnnkit.charsPerSec / layers.charsPerSec) * 10) / 10 : null;
      if (options.json) {
        out(`${JSON.stringify({ suite, ratio, ...base, ...(skipped ? { skipped } : {}) })}\n`);
      } else {
        out(`  ${backend} ${describeConfig(config)}: done\n`);
      }
      rows.push({ backend, config, rnnkit, layers, ratio, skipped });
    }
  }
  if (!options.json) out(formatTable(rows));
  return rows;
}

async function run(make: () => Runner, timing: Parameters<typeof measure>[1]) {
  const runner = make();
  try {
    return await measure(runner.step, timing);
  } finally {
    runner.dispose();
  }
}

function emit(out: (s: string) => void, json: boolean | undefined, m: Record<string, unknown>) {
  if (!json) return;
  const { tensorsAfterWarmup: _, ...line } = m;
  out(`${JSON.stringify(line)}\n`);
}
