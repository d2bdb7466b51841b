// The README's custom-cell example runs as written, under plain Node, against the built
// package: plain Node loads tfjs-core's CommonJS build, where a custom cell's autodiff needs
// the kernel gradients that initBackend registers — which the vitest run never shows.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippets = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('README custom-cell example', () => {
  it('runs and trains under plain Node', () => {
    expect(snippets).toHaveLength(1);
    // Inside the package, so `@rnnkit/cells` resolves to dist/ through its exports map.
    const file = fileURLToPath(new URL('../.readme-example.mjs', import.meta.url));
    writeFileSync(file, snippets[0] as string);
    try {
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim().split('\n')).toEqual(['[ 4, 6, 8 ] [ 2, 4, 8 ]', 'trained']);
    } finally {
      rmSync(file, { force: true });
    }
  }, 150_000); // a Node process that loads tfjs and trains: seconds on a loaded machine
});
