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

/**
 * A counter delta over `seconds` (one interval, or a gap: failed reads, an
 * agent restart) with its flags. `maxWatts` bounds what the device can draw
 * and `unitsPerJoule` is the counter's unit (1e6 for µJ). When the device
 * could have drawn a whole counter range within the span, a second wrap
 * cannot be ruled out: the delta is a lower bound, flagged `gap_lower_bound`.
 */
export function spanDelta(
  prev: bigint | undefined,
  cur: bigint,
  max: bigint | undefined,
  seconds: number,
  maxWatts: number,
  unitsPerJoule: number,
): CounterDelta & { flags: string[] } {
  const plausible = BigInt(Math.ceil(maxWatts * Math.max(seconds, 0.001) * unitsPerJoule));
  const d = counterDelta(prev, cur, max, plausible);
  const flags: string[] = [];
  if (d.outcome === 'wrap') flags.push('counter_wrap');
  if (d.outcome === 'reset') flags.push('counter_reset');
  if (d.outcome !== 'baseline' && max !== undefined && max > 0n && plausible >= max) flags.push('gap_lower_bound');
  return { ...d, flags };
}
