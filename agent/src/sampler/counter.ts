// Pure arithmetic for cumulative energy counters: deltas, wraparound, resets.
// Values are BigInt so counters above 2^32 (and 2^53) stay exact.

export type CounterOutcome = 'ok' | 'wrap' | 'reset' | 'baseline';

export interface CounterDelta {
  /** Delta in the counter's own unit (µJ for RAPL, mJ for NVML). */
  delta: bigint;
  outcome: CounterOutcome;
}

/**
 * Difference between two readings of a counter that wraps to 0 after `max`
 * (RAPL's max_energy_range_uj). When `cur < prev` the counter either wrapped
 * once or was reset (module reload, driver restart). A wrap implies the
 * energy `(max - prev) + cur`; if that exceeds `maxPlausible` (what the domain
 * could draw in the interval) it was a reset, and only `cur` (the energy
 * since the reset) is known: a lower bound, flagged.
 */
export function counterDelta(
  prev: bigint | undefined,
  cur: bigint,
  max: bigint | undefined,
  maxPlausible?: bigint,
): CounterDelta {
  if (prev === undefined) return { delta: 0n, outcome: 'baseline' };
  if (cur >= prev) return { delta: cur - prev, outcome: 'ok' };
  if (max !== undefined && max > 0n && prev <= max) {
    const wrapped = max - prev + cur;
    if (maxPlausible === undefined || wrapped <= maxPlausible) return { delta: wrapped, outcome: 'wrap' };
  }
  return { delta: cur, outcome: 'reset' };
}

/** Parses a sysfs integer file's contents; undefined when it is not one. */
export function parseCounter(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  return BigInt(t);
}

/** Exact µJ -> J without going through a lossy Number for big counters. */
export function microjoulesToJoules(uj: bigint): number {
  const whole = uj / 1_000_000n;
  const frac = uj % 1_000_000n;
  return Number(whole) + Number(frac) / 1e6;
}

export function millijoulesToJoules(mj: bigint): number {
  const whole = mj / 1000n;
  const frac = mj % 1000n;
  return Number(whole) + Number(frac) / 1e3;
}
