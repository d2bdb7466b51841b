import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BACKENDS, initBackend } from '@rnnkit/backend';
import { type Check, verifyReference } from '@rnnkit/trainer';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { choiceOption, parseCommand } from '../options.js';

export const VERIFY_HELP = `Usage: rnnkit verify <folder|file.json>... [--backend cpu|wasm|auto]

Runs reference files (PyTorch float64 values: cells, stacked cells, gradients, sequence loss,
Adam, clipping, training steps) through rnnkit and prints each file's worst absolute and
relative error against the tolerances of the reference format. Exits 1 if any file fails or
cannot be read.

Options:
  --backend cpu|wasm|auto tfjs backend (default auto: wasm, then cpu)
  -h, --help              show this help
`;

/** `rnnkit verify`: exit code 0 when every reference file passes. */
export async function verify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('verify', args, { backend: { type: 'string' } });
  if (values.help) {
    io.out(VERIFY_HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError(`verify needs a folder of reference files.\n\n${VERIFY_HELP}`);
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');
  const files = positionals.flatMap(referenceFiles);
  if (files.length === 0) {
    throw new UsageError(`No .json reference files in ${positionals.join(', ')}.`);
  }
  const info = await initBackend({ backend });
  io.out(`backend: ${info.name}${info.simd ? ' (SIMD)' : ''}, ${files.length} reference files\n`);
  let failed = 0;
  const width = Math.max(...files.map((f) => basename(f).length));
  for (const file of files) {
    const name = basename(file).padEnd(width);
    try {
      const report = verifyReference(JSON.parse(readFileSync(file, 'utf8')));
      const status = report.passed ? 'PASS' : 'FAIL';
      io.out(
        `${status}  ${name}  ${report.kind.padEnd(19)} ${String(report.checks.length).padStart(3)} checks  ` +
          `worst abs ${report.worstAbs.toExponential(2)}  worst rel ${report.worstRel.toExponential(2)}\n`,
      );
      if (!report.passed) {
        failed++;
        for (const c of report.checks.filter((c) => !c.passed).slice(0, 10))
          io.out(describeFailure(c));
      }
    } catch (error) {
      failed++;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      io.out(`FAIL  ${name}  could not be run: ${message}\n`);
    }
  }
  io.out(`\n${files.length - failed} passed, ${failed} failed (backend ${info.name})\n`);
  return failed === 0 ? 0 : 1;
}

function referenceFiles(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`Cannot read '${path}': no such file or folder.`);
  }
  if (!isDir) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(path, f));
}

function describeFailure(c: Check): string {
  const why =
    c.problem ??
    `worst abs ${c.worstAbs.toExponential(2)}, worst rel ${c.worstRel.toExponential(2)} ` +
      `(allowed ${c.tolerance.atol} + ${c.tolerance.rtol}*|ref|)`;
  return `        ${c.quantity}: ${why}\n`;
}
