import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TorchClient } from './torch-client.js';
import type { TorchHello } from './torch-protocol.js';

/** The Python with torch: Debian's python3-torch lives in /usr/bin/python3's site-packages. */
export const pythonPath = (): string => process.env.RNNKIT_PYTHON ?? '/usr/bin/python3';
/** Shipped beside src/ and dist/ alike. */
export const TORCH_RUNNER = fileURLToPath(new URL('../python/torch_runner.py', import.meta.url));
/** PyTorch's side of `pnpm bench:quality` (python/quality.py: its usage is in its docstring). */
export const TORCH_QUALITY = fileURLToPath(new URL('../python/quality.py', import.meta.url));

export type TorchStart =
  | { ok: true; client: TorchClient; hello: TorchHello; blasDir: string | undefined }
  // The caller ends the child with `client.close()` (its pipes keep Node's event loop alive).
  | { ok: false; reason: string };

/**
 * The folder of Debian's OpenMP OpenBLAS (`libopenblas0-openmp`), which holds a `libblas.so.3`.
 * Debian's python3-torch links the generic `libblas.so.3`, which is the reference BLAS unless
 * the alternatives say otherwise; putting this folder first on the child's LD_LIBRARY_PATH
 * selects OpenBLAS for that process alone, as a PyTorch user on Debian would.
 */
export function findOpenblasDir(
  listPackage: () => string = () =>
    execFileSync('dpkg', ['-L', 'libopenblas0-openmp'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
): string | undefined {
  if (process.env.RNNKIT_BENCH_BLAS_DIR) return process.env.RNNKIT_BENCH_BLAS_DIR;
  let files: string;
  try {
    files = listPackage();
  } catch {
    return undefined;
  }
  const lib = files.split('\n').find((f) => /\/openblas-openmp\/libblas\.so\.3$/.test(f.trim()));
  return lib ? dirname(lib.trim()) : undefined;
}

/** Why PyTorch cannot run here (no Python, no torch), or undefined when it can. */
export function torchMissing(): string | undefined {
  const python = pythonPath();
  if (!existsSync(python)) return `${python} not found (set RNNKIT_PYTHON to a Python with torch)`;
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return undefined;
  } catch {
    return (
      `${python} cannot import torch ` +
      '(apt-get install -y python3-torch libopenblas0-openmp, or set RNNKIT_PYTHON)'
    );
  }
}

/**
 * Starts the torch runner with OpenBLAS selected for it, and asks it what it loaded. Resolves
 * to the reason instead when PyTorch cannot run here (no Python, no torch, a crash at start).
 */
export async function startTorch(): Promise<TorchStart> {
  const python = pythonPath();
  const missing = torchMissing();
  if (missing !== undefined) return { ok: false, reason: missing };
  const blasDir = findOpenblasDir();
  const env = { ...process.env };
  if (blasDir) {
    env.LD_LIBRARY_PATH = [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  const child = spawn(python, [TORCH_RUNNER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.on('error', () => {}); // surfaces as the stdout 'end' the client reports
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-2000);
  });
  const client = new TorchClient(
    child.stdin,
    child.stdout,
    () => `the torch runner exited${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`,
  );
  try {
    return { ok: true, client, hello: await client.hello(), blasDir };
  } catch (error) {
    child.kill();
    return { ok: false, reason: `the torch runner failed to start: ${(error as Error).message}` };
  }
}
