import { runCli } from '../cli.js';
import type { Io } from '../io.js';

/** Runs `rnnkit demo <name>` on `backend` and returns its exit code and output. */
export async function runDemo(name: string, backend: 'cpu' | 'wasm', ...more: string[]) {
  let out = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      out += t;
    },
  };
  const code = await runCli(['demo', name, '--backend', backend, ...more], io);
  return { code, out };
}

/** The percentage printed after `label: `, as a fraction. */
export function percentAfter(out: string, label: string): number {
  const m = out.match(new RegExp(`${label}: ([\\d.]+)%`));
  if (!m) throw new Error(`no '${label}: N%' line in:\n${out}`);
  return Number(m[1]) / 100;
}
