/**
 * Training speed over the last `window` steps only. The trainer's own figure averages the whole
 * session, so right after a start or a resume it carries the first step's warm-up (kernel set-up,
 * compilation) for minutes; a window drops it after a few steps. Time spent evaluating is not
 * step time: `pause()` starts a new window.
 */
export interface RecentSpeed {
  /** A step ended at `nowMs`. */
  step(step: number, nowMs: number): void;
  /** The steps before and after this moment are not one stretch (an evaluation ran). */
  pause(): void;
  /** Seconds per step over the window, or undefined before two steps in a row. */
  secondsPerStep(): number | undefined;
}

export function createRecentSpeed(window = 20): RecentSpeed {
  let marks: { step: number; ms: number }[] = [];
  return {
    step(step, nowMs) {
      marks.push({ step, ms: nowMs });
      if (marks.length > window + 1) marks.shift();
    },
    pause() {
      marks = [];
    },
    secondsPerStep() {
      const first = marks[0];
      const last = marks.at(-1);
      if (!first || !last || last.step <= first.step) return undefined;
      return (last.ms - first.ms) / 1000 / (last.step - first.step);
    },
  };
}
