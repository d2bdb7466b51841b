// The README's API tour runs as written, under plain Node, against the built packages.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const snippets = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);

function runModule(source: string, name: string) {
  // Inside apps/cli so that the packages resolve as they would in a user's project.
  const file = fileURLToPath(new URL(`../.readme-${name}.mjs`, import.meta.url));
  writeFileSync(file, source);
  try {
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README API tour', { timeout: 120_000 }, () => {
  it('has the shapes, training and sampling snippets', () => {
    expect(snippets).toHaveLength(3);
  });

  it('shapes: [1,1,2], [1,5,2], [3,5,2]', () => {
    const r = runModule(snippets[0] as string, 'shapes');
    expect(r.err).toBe('');
    expect(r.out.trim().split('\n')).toEqual([
      '[ 1, 1, 2 ]',
      '[ 1, 5, 2 ]',
      '[ 3, 5, 2 ] [ 1, 3, 2 ] [ 1, 3, 2 ]',
    ]);
  });

  it('hihello trains, then sampling replays it', () => {
    const r = runModule(`${snippets[1]}\n${snippets[2]}`, 'train');
    expect(r.err).toBe('');
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(52);
    expect(lines[0]).toMatch(/^0 loss: 1\.\d{4} prediction: [hielo]{6}$/);
    const last = (lines[49] as string).match(/^49 loss: (\d\.\d{4}) prediction: ihello$/);
    expect(Number(last?.[1])).toBeLessThan(0.05);
    expect(lines[50]).toBe('hihello');
    expect(lines[51]).toMatch(/^h[hielo]{12}$/);
  });
});
