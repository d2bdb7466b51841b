// Test support: every event of one training run, in order.
import type { TrainEvent, Trainer } from '../train/trainer.js';

/** Runs `trainer` to its end (or until `signal` fires) and returns the events it yielded. */
export async function collectEvents(trainer: Trainer, signal?: AbortSignal): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  for await (const e of trainer.run({ signal })) events.push(e);
  return events;
}
