// How the user started rnnkit, so that the commands the CLI suggests (Ctrl-C's "continue
// with …") can be pasted back into the same shell and work.
import { basename, relative } from 'node:path';

/**
 * The command prefix that ran this process: `npx rnnkit` (npx, or an npm script), `rnnkit` (a
 * global install on PATH), the repository's `pnpm -s rnnkit` (its wrapper sets
 * RNNKIT_INVOKED_AS), else `node <path to bin.js>`.
 */
export function invokedAs(env = process.env, argv = process.argv, cwd = process.cwd()): string {
  if (env.RNNKIT_INVOKED_AS) return env.RNNKIT_INVOKED_AS;
  const script = argv[1] ?? '';
  if (env.npm_command === 'exec' || env.npm_lifecycle_event !== undefined) return 'npx rnnkit';
  if (basename(script) === 'rnnkit') return 'rnnkit';
  return `node ${shellQuote(relative(cwd, script) || script)}`;
}

/** A word the shell passes through unchanged: quoted when it holds anything special. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
