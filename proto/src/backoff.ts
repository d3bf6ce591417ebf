// The one retry delay rule for every retry loop (uplink reconnects, InfluxDB
// batches and reconnects, grid-intensity HTTP calls): exponential from
// initialMs, capped at maxMs, with jitter so that many agents or batches that
// failed together do not retry together.

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** Share of the step that is random: 1 = uniform in [0, step] (full jitter), 0.5 = [step/2, step] (default). */
  jitter?: number;
}

/** Delay before retry number `attempt` (0-based), in whole ms. */
export function backoffMs(attempt: number, b: Backoff, random: () => number = Math.random): number {
  const step = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  const jitter = b.jitter ?? 0.5;
  return Math.round(step * (1 - jitter) + random() * step * jitter);
}
