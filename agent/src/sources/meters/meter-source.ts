// One configured meter as an EnergySource: wall-domain energy per interval.
//
// From a register: the delta since the last good poll (QUALITY_COUNTER), so a
// missed poll loses nothing; the next delta covers it (flag "catch_up").
// From watts only: trapezoid between polls (QUALITY_INTEGRATED_POWER, flag
// "power_integrated"); after missed polls the interval is flagged "gap" and
// the missed time gets no energy rather than an invented one.
// Every failure is a SourceStatus naming the meter; nothing here throws.
import { Domain, Quality, type EnergyReading, type SourceStatus } from '@wattprint/proto';
import type { CounterPositions, EnergySource, ProbeResult, SampleContext, SourceReading } from '../source.ts';
import { integrateInterval, MeterError, nonNegative, registerDelta, type Meter, type MeterReading } from './meter.ts';

export interface MeterSourceOptions {
  /** Per-poll limit; a poll that takes longer is abandoned (default 2000 ms). */
  timeoutMs?: number;
  /** "power" ignores a register and integrates watts (default "register"). */
  energyFrom?: 'register' | 'power';
  /** Most the metered load can draw; tells a register wrap from a reset (default 100 kW). */
  maxWatts?: number;
  /** A meter timestamp unchanged for this long flags readings "stale_reading" (default 10 s). */
  staleAfterMs?: number;
}

export const DEFAULT_METER_TIMEOUT_MS = 2000;

export class MeterSource implements EnergySource {
  readonly name: string;
  readonly meter: Meter;
  private readonly timeoutMs: number;
  private readonly useRegister: boolean;
  private readonly maxWatts: number;
  private readonly staleAfterUs: number;
  private lastRegister: { joules: number; atUs: number; restored?: boolean } | undefined;
  private lastPower: { watts: number; atUs: number } | undefined;
  private lastMeterTime: { ms: number; sinceUs: number } | undefined;
  /** Polls that failed since the last good one. */
  private missed = 0;
  /** Set once a register was seen: later replies without one are failed polls. */
  private expectRegister = false;

  constructor(meter: Meter, opts: MeterSourceOptions = {}) {
    this.meter = meter;
    this.name = `${meter.kind}:${meter.name}`;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_METER_TIMEOUT_MS;
    this.useRegister = (opts.energyFrom ?? 'register') === 'register';
    this.maxWatts = opts.maxWatts ?? 100_000;
    this.staleAfterUs = (opts.staleAfterMs ?? 10_000) * 1000;
  }

  /** The energy register's last good value (joules), persisted so a restart on this boot counts the downtime. */
  counterPositions(): CounterPositions {
    return this.lastRegister ? { register: { value: String(this.lastRegister.joules), atUs: this.lastRegister.atUs } } : {};
  }

  restoreCounterPositions(p: CounterPositions): void {
    const r = p.register;
    const joules = Number(r?.value);
    if (r && Number.isFinite(joules) && joules >= 0 && Number.isFinite(r.atUs)) this.lastRegister = { joules, atUs: r.atUs, restored: true };
  }

  async probe(): Promise<ProbeResult> {
    try {
      const r = checkReading(await this.poll());
      const what =
        this.useRegister && r.energyJoules !== undefined
          ? `energy register ${(r.energyJoules / 3.6e6).toFixed(3)} kWh`
          : `${r.watts} W, no energy register used: power is integrated (flag power_integrated)`;
      return { source: this.name, found: true, devices: [this.meter.name], reason: `${this.meter.kind} ${this.meter.target}: ${what}` };
    } catch (err) {
      const s = this.failure(err);
      return { source: this.name, found: false, devices: [], reason: s.reason ?? '', fix: s.fix ?? '' };
    }
  }

  async read(ctx: SampleContext): Promise<SourceReading> {
    let reading: MeterReading;
    try {
      reading = checkReading(await this.poll());
      if (this.useRegister && this.expectRegister && reading.energyJoules === undefined) {
        throw new MeterError('malformed', 'reply has no energy register this time (it had one before)', 'usually transient; the next reading with a register covers the missed energy');
      }
    } catch (err) {
      this.missed++;
      return { energy: [], status: [this.failure(err)] };
    }
    const status: SourceStatus[] = [];
    const flags = this.staleFlags(reading, ctx, status);
    const missed = this.missed;
    this.missed = 0;

    if (this.useRegister && reading.energyJoules !== undefined) {
      this.expectRegister = true;
      const prev = this.lastRegister;
      this.lastRegister = { joules: reading.energyJoules, atUs: ctx.endUs };
      if (!prev) return { energy: [], status };
      const seconds = Math.max((ctx.endUs - prev.atUs) / 1e6, 0.001);
      const d = registerDelta(prev.joules, reading.energyJoules, reading.registerMaxJoules, this.maxWatts * seconds);
      if (d.outcome === 'wrap') flags.push('counter_wrap');
      if (d.outcome === 'reset') {
        flags.push('counter_reset');
        status.push(this.problem(`energy register went back from ${prev.joules} J to ${reading.energyJoules} J (reset); only the energy since the reset is counted`, 'someone or something reset the meter\'s energy total; nothing to do unless it recurs'));
      }
      if (missed > 0) flags.push('catch_up');
      if (prev.restored) flags.push('gap_recovered');
      const out = this.energy(Quality.QUALITY_COUNTER, d.joules, flags);
      if (prev.atUs < ctx.startUs) out.spanStartUs = prev.atUs; // judged over the gap it covers
      return { energy: [out], status };
    }

    const watts = reading.watts;
    if (watts === undefined) {
      // checkReading guarantees one of the two; only reachable with energyFrom "power".
      return { energy: [], status: [this.problem('reply has an energy register but no power reading, and energyFrom is "power"', 'set "energyFrom": "register" for this meter')] };
    }
    const prev = this.lastPower;
    const cur = { watts, atUs: ctx.endUs };
    this.lastPower = cur;
    if (!prev) return { energy: [], status };
    flags.push('power_integrated');
    if (missed > 0 || prev.atUs < ctx.startUs) {
      flags.push('gap');
      status.push(this.problem(`no reading for ${((ctx.startUs - prev.atUs) / 1e6).toFixed(1)} s before this interval (${missed} missed polls); that time gets no energy`, 'a meter without an energy register cannot recover missed polls; check its reachability'));
    }
    return { energy: [this.energy(Quality.QUALITY_INTEGRATED_POWER, integrateInterval(prev, cur, ctx.startUs), flags)], status };
  }

  async close(): Promise<void> {
    try {
      await this.meter.close?.();
    } catch {
      // closing a session on a BMC that is gone is not worth an error
    }
  }

  /** One poll, abandoned after timeoutMs whether or not the meter honours the signal. */
  private async poll(): Promise<MeterReading> {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new MeterError('timeout', `no answer within ${this.timeoutMs} ms`, 'check that the meter is reachable and not overloaded (BMCs answer slowly: poll at most once a second), or raise timeoutMs'));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([this.meter.read(ac.signal), timeout]);
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
  }

  private staleFlags(r: MeterReading, ctx: SampleContext, status: SourceStatus[]): string[] {
    if (r.meterTimeMs === undefined) return [];
    const last = this.lastMeterTime;
    if (!last || last.ms !== r.meterTimeMs) {
      this.lastMeterTime = { ms: r.meterTimeMs, sinceUs: ctx.endUs };
      return [];
    }
    if (ctx.endUs - last.sinceUs < this.staleAfterUs) return [];
    status.push(this.problem(`meter timestamp stuck at ${new Date(r.meterTimeMs).toISOString()} for ${((ctx.endUs - last.sinceUs) / 1e6).toFixed(0)} s`, 'the meter is answering with an old reading; restart its management controller if it persists'));
    return ['stale_reading'];
  }

  private energy(quality: Quality, joules: number, flags: string[]): EnergyReading {
    return { domain: Domain.DOMAIN_WALL, device: this.meter.name, source: this.meter.source, quality, joules, flags };
  }

  private problem(what: string, fix: string): SourceStatus {
    return { source: this.name, ok: false, reason: `meter "${this.meter.name}" (${this.meter.kind} ${this.meter.target}): ${what}`, fix };
  }

  private failure(err: unknown): SourceStatus {
    if (err instanceof MeterError) return this.problem(err.message, err.fix);
    return this.problem(`unexpected error: ${(err as Error)?.message ?? String(err)}`, '');
  }
}

/** A reply must carry a usable register or power figure. */
export function checkReading(r: MeterReading): MeterReading {
  const out: MeterReading = {};
  if (r.energyJoules !== undefined) {
    if (nonNegative(r.energyJoules) === undefined) throw new MeterError('malformed', `energy register ${r.energyJoules} J is not a finite number >= 0`);
    out.energyJoules = r.energyJoules;
    if (r.registerMaxJoules !== undefined) out.registerMaxJoules = r.registerMaxJoules;
  }
  if (r.watts !== undefined) {
    if (nonNegative(r.watts) === undefined) throw new MeterError('malformed', `power ${r.watts} W is not a finite number >= 0`);
    out.watts = r.watts;
  }
  if (out.energyJoules === undefined && out.watts === undefined) throw new MeterError('malformed', 'reply carries neither an energy register nor a power reading');
  if (r.meterTimeMs !== undefined && Number.isFinite(r.meterTimeMs)) out.meterTimeMs = r.meterTimeMs;
  return out;
}
