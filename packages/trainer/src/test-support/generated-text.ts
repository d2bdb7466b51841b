// Test support: a small generated text with structure a tiny model can learn quickly.
import { createRng } from '@rnnkit/core';

/** `n` characters of seeded pseudo-English made of a few words and punctuation. */
export function generatedText(n: number, seed = 1): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'saw', 'dog', 'run'];
  const rng = createRng(seed);
  let text = '';
  while (text.length < n) {
    const word = words[Math.floor(rng() * words.length)] as string;
    text += rng() < 0.1 ? `${word}.\n` : `${word} `;
  }
  return text.slice(0, n);
}
