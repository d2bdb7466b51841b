// Collects the worst absolute error per backend and quantity, and prints them once per file so
// a test run shows how close each backend came to the float64 reference.
export function worstErrors(title: string) {
  const worst = new Map<string, number>();
  return {
    record(key: string, error: number): void {
      worst.set(key, Math.max(worst.get(key) ?? 0, error));
    },
    report(): void {
      const lines = [...worst].map(([k, e]) => `  ${k}: ${e.toExponential(2)}`);
      console.info(`${title} — worst |error| vs reference\n${lines.join('\n')}`);
    },
  };
}
