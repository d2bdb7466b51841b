/**
 * Resolves on a later turn of the event loop, so a long loop of synchronous tensor work lets
 * timers, I/O and signal handlers (Ctrl-C) run between its steps. `setImmediate` where it
 * exists (Node), because `setTimeout(0)` is clamped to 1 ms or more; a timer in browsers.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
