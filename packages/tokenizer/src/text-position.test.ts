import { describe, expect, it } from 'vitest';
import { textPosition } from './text-position.js';

describe('textPosition', () => {
  it('counts lines from \\n and columns in code points, both from 1', () => {
    expect(textPosition('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(textPosition('ab\ncd', 2)).toEqual({ line: 1, column: 3 });
    expect(textPosition('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(textPosition('🙂🙂\n\n🙂x', 5)).toEqual({ line: 3, column: 2 });
  });
});
