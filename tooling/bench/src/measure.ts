/** Timing of one benchmark figure: warm-up runs, then timed runs, reported as median/min/max. */
export interface Figure {
  /** `<backend>/<figure>`, e.g. `reference/fakeQuantize-1M`. */
  name: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface MeasureOptions {
  warmup?: number;
  runs?: number;
  /** Stop adding runs after this many milliseconds (at least 3 runs are kept). */
  budgetMs?: number;
}

export function measure(name: string, fn: () => void, options: MeasureOptions = {}): Figure {
  const warmup = options.warmup ?? 3;
  const runs = options.runs ?? 20;
  const budget = options.budgetMs ?? 3000;
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < runs && (times.length < 3 || performance.now() - start < budget)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? (times[mid] as number) : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
  return { name, medianMs: median, minMs: times[0] as number, maxMs: times[times.length - 1] as number, runs: times.length };
}
