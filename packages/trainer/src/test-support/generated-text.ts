// Test support: a small generated text with structure a tiny model can learn quickly.
import { createSeededRng } from '../seeded-rng.js';

/** `n` characters of seeded pseudo-English made of a few words and punctuation. */
export function generatedText(n: number, seed = 1): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'saw', 'dog', 'run'];
  const rng = createSeededRng(seed);
  let text = '';
  while (text.length < n) {
    const word = words[Math.floor(rng.next() * words.length)] as string;
    text += rng.next() < 0.1 ? `${word}.\n` : `${word} `;
  }
  return text.slice(0, n);
}
