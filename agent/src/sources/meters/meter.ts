// The one small interface every wall or node power meter implements, and the
// pure arithmetic that turns its readings into interval energy.
//
// A meter answers one poll with a cumulative energy register (preferred: the
// next delta covers a missed poll) and/or instantaneous watts (integrated only
// where no register exists, and then flagged).
import type { Source } from '@wattprint/proto';
import { counterDelta, millijoulesToJoules, type CounterOutcome } from '../../sampler/counter.ts';

export type MeterKind = 'ipmi' | 'redfish' | 'snmp' | 'shelly' | 'tasmota' | 'command';

export interface MeterReading {
  /** Cumulative energy register, joules; absent when the meter has none. */
  energyJoules?: number;
  /** Register value at which it wraps back to 0, joules (e.g. an SNMP Unsigned32). */
  registerMaxJoules?: number;
  /** Power at the time of the poll, watts. */
  watts?: number;
  /** The meter's own timestamp, ms since the Unix epoch, when it reports one. */
  meterTimeMs?: number;
}

export interface Meter {
  readonly kind: MeterKind;
  /** Configured name; the EnergyReading's device. */
  readonly name: string;
  readonly source: Source;
  /** Where it reads from, for messages: a URL, host:port, a command. Never a secret. */
  readonly target: string;
  /** One poll. Throws MeterError (or any Error) when it cannot read; honours `signal`. */
  read(signal: AbortSignal): Promise<MeterReading>;
  close?(): Promise<void>;
}

/** A failed poll: what was wrong, and what an operator can do about it. */
export class MeterError extends Error {
  readonly fix: string;
  /** "timeout", "auth", "http", "malformed", "unavailable", "exec", "config". */
  readonly code: string;
  constructor(code: string, message: string, fix = '') {
    super(message);
    this.name = 'MeterError';
    this.code = code;
    this.fix = fix;
  }
}

export const JOULES_PER_WH = 3600;
export const JOULES_PER_KWH = 3_600_000;

/** A finite number >= 0 from an untyped reply field, or undefined. */
export function nonNegative(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Registers arrive as decimal floats (12.345 kWh); rounding to the millijoule
 * removes binary noise (12.345 * 3.6e6 = 44441999.99999999) so the deltas of
 * an exact register are exact.
 */
export function joulesToMillijoules(j: number): bigint {
  return BigInt(Math.round(j * 1000));
}

export interface RegisterDelta {
  joules: number;
  outcome: CounterOutcome;
}

/**
 * Energy between two register readings. A register that went back was reset
 * (APC's rPDU2DeviceStatusEnergy is resettable from the PDU's UI, Shelly
 * counters restart on reboot) unless a known wrap explains it within
 * `maxPlausibleJoules`; after a reset only the energy since the reset is known.
 */
export function registerDelta(prevJoules: number | undefined, curJoules: number, maxJoules?: number, maxPlausibleJoules?: number): RegisterDelta {
  const d = counterDelta(
    prevJoules === undefined ? undefined : joulesToMillijoules(prevJoules),
    joulesToMillijoules(curJoules),
    maxJoules === undefined ? undefined : joulesToMillijoules(maxJoules),
    maxPlausibleJoules === undefined ? undefined : joulesToMillijoules(maxPlausibleJoules),
  );
  return { joules: millijoulesToJoules(d.delta), outcome: d.outcome };
}

/** Trapezoid rule between two power samples `seconds` apart. */
export function trapezoidJoules(prevWatts: number, curWatts: number, seconds: number): number {
  if (!(seconds > 0)) return 0;
  return ((prevWatts + curWatts) / 2) * seconds;
}

/**
 * Energy over [startUs, endUs) from the power sample before it (at `prevUs`,
 * which may lie before startUs when polls were missed) and the one at endUs.
 * The power at startUs is interpolated on the line between the two samples,
 * so a gap's energy is not pushed into this interval.
 */
export function integrateInterval(prev: { atUs: number; watts: number }, cur: { atUs: number; watts: number }, startUs: number): number {
  const span = cur.atUs - prev.atUs;
  if (!(span > 0)) return 0;
  const from = Math.min(Math.max(startUs, prev.atUs), cur.atUs);
  const wattsAtFrom = prev.watts + ((cur.watts - prev.watts) * (from - prev.atUs)) / span;
  return trapezoidJoules(wattsAtFrom, cur.watts, (cur.atUs - from) / 1e6);
}
