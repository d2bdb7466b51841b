// Runs the built CLI under plain Node, as users do (tfjs-core resolves to its CommonJS build).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** `node dist/bin.js ...args` in `cwd`, collecting its output. */
export function rnnkit(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, encoding: 'utf8', timeout: 120_000 },
      (error, out, err) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, out, err });
      },
    );
  });
}

/** A hash of every file under a folder (names and contents), to prove nothing changed. */
export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${path}\0`).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** `n` characters of seeded pseudo-English: small words, spaces, full stops and newlines. */
export function generatedText(n: number, seed = 1): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'saw', 'dog', 'run'];
  let x = seed;
  let text = '';
  while (text.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const word = words[x % words.length] as string;
    text += x % 11 === 0 ? `${word}.\n` : `${word} `;
  }
  return text.slice(0, n);
}

/** Options for a model small enough to train in a second. */
export const TINY = ['--hidden', '16', '--batch', '4', '--seq-length', '16', '--backend', 'cpu'];
