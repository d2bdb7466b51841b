// The README example runs as written, under plain Node, against the built package: plain Node
// loads tfjs-core's CommonJS build, which the vitest run never sees.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippets = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('README example', () => {
  it('trains the hihello bigram to the bigram limit under plain Node', () => {
    expect(snippets).toHaveLength(1);
    // Inside the package, so `@rnnkit/optim` resolves to dist/ through its exports map.
    const file = fileURLToPath(new URL('../.readme-example.mjs', import.meta.url));
    writeFileSync(file, snippets[0] as string);
    try {
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      for (const line of lines)
        expect(line).toMatch(/^step \d+: \d\.\d{3} nats, \d\.\d{3} bits\/char$/);
      const last = Number(lines[3]?.match(/: (\d\.\d+) nats/)?.[1]);
      expect(last).toBeGreaterThan((4 / 6) * Math.LN2 - 0.01);
      expect(last).toBeLessThan((4 / 6) * Math.LN2 + 0.02);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
