/**
 * Resolves on a later turn of the event loop, so a long loop of synchronous tensor work lets
 * timers, I/O and signal handlers (Ctrl-C) run between its steps. `setImmediate` where it
 * exists (Node); in browsers a message to a channel of our own, because `setTimeout(0)` is
 * clamped to 4 ms once timers nest, which a training loop's steps would pay every time.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else if (typeof MessageChannel === 'function') nextMessage(resolve);
    else setTimeout(resolve, 0);
  });
}

let channel: MessageChannel | undefined;
const waiting: Array<() => void> = [];

function nextMessage(resolve: () => void): void {
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  waiting.push(resolve);
  channel.port2.postMessage(null);
}
