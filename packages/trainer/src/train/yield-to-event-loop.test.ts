import { afterEach, describe, expect, it, vi } from 'vitest';
import { yieldToEventLoop } from './yield-to-event-loop.js';

describe('yieldToEventLoop', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('without setImmediate (browsers), resolves through a message, not a clamped timer', async () => {
    const timer = vi.fn();
    vi.stubGlobal('setImmediate', undefined);
    vi.stubGlobal('setTimeout', timer);
    // In order, as a loop of awaited steps would ask.
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => yieldToEventLoop().then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    expect(timer).not.toHaveBeenCalled();
  });
});
