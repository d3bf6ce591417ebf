// Shelly smart plugs and relays on the local network.
// Gen1: GET /meter/{ch} -> total in watt-minutes, power W, timestamp (unix s).
// Gen2/3: GET /rpc/Switch.GetStatus?id={ch} -> aenergy.total Wh, apower W,
// aenergy.minute_ts (unix s). Both counters restart at 0 when the device
// reboots: MeterSource sees a reset and flags it.
import { Source } from '@wattprint/proto';
import { JOULES_PER_WH, MeterError, nonNegative, type Meter, type MeterReading } from './meter.ts';
import { basicAuth, httpRequest, parseJsonReply, readSecretFile } from './io.ts';

export interface ShellyMeterConfig {
  kind: 'shelly';
  name: string;
  /** e.g. "http://192.168.1.40". */
  url: string;
  /** 1 for Gen1, 2 for Gen2 and Gen3 (JSON-RPC). */
  gen: 1 | 2;
  /** Meter (Gen1) or switch (Gen2) channel, default 0. */
  channel: number;
  /** Gen1 restricted login (HTTP Basic). */
  user?: string;
  passwordFile?: string;
}

const JOULES_PER_WATT_MINUTE = 60;

export function parseShellyGen1(body: unknown, where: string): MeterReading {
  const b = body as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null) throw new MeterError('malformed', `${where}: reply is not a JSON object`);
  if (b.is_valid === false) throw new MeterError('unavailable', `${where}: the plug marks its reading invalid (is_valid: false)`, 'the power metering chip is not ready or faulty; power-cycle the plug');
  const total = nonNegative(b.total);
  const power = nonNegative(b.power);
  if (total === undefined && power === undefined) throw new MeterError('malformed', `${where}: neither "total" (watt-minutes) nor "power" is a number >= 0 (total=${JSON.stringify(b.total)}, power=${JSON.stringify(b.power)})`);
  const ts = nonNegative(b.timestamp);
  return { energyJoules: total === undefined ? undefined : total * JOULES_PER_WATT_MINUTE, watts: power, meterTimeMs: ts ? ts * 1000 : undefined };
}

export function parseShellyGen2(body: unknown, where: string): MeterReading {
  const b = body as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null) throw new MeterError('malformed', `${where}: reply is not a JSON object`);
  const ae = b.aenergy as Record<string, unknown> | undefined;
  const total = nonNegative(ae?.total);
  const power = nonNegative(b.apower);
  if (total === undefined && power === undefined) throw new MeterError('malformed', `${where}: neither "aenergy.total" (Wh) nor "apower" is a number >= 0 (aenergy=${JSON.stringify(b.aenergy)}, apower=${JSON.stringify(b.apower)})`, 'this switch may have no power metering');
  const ts = nonNegative(ae?.minute_ts);
  return { energyJoules: total === undefined ? undefined : total * JOULES_PER_WH, watts: power, meterTimeMs: ts ? ts * 1000 : undefined };
}

export class ShellyMeter implements Meter {
  readonly kind = 'shelly' as const;
  readonly source = Source.SOURCE_SHELLY;
  readonly name: string;
  readonly target: string;
  private readonly cfg: ShellyMeterConfig;
  private readonly url: URL;

  constructor(cfg: ShellyMeterConfig) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.url = cfg.gen === 1 ? new URL(`/meter/${cfg.channel}`, cfg.url) : new URL(`/rpc/Switch.GetStatus?id=${cfg.channel}`, cfg.url);
    this.target = this.url.href;
  }

  async read(signal: AbortSignal): Promise<MeterReading> {
    const headers: Record<string, string> = {};
    if (this.cfg.user) headers.authorization = basicAuth(this.cfg.user, this.cfg.passwordFile ? readSecretFile(this.cfg.passwordFile, 'SHELLY_PASSWORD') : '');
    const res = await httpRequest(this.url, { signal, headers });
    const where = `GET ${this.url.pathname}${this.url.search}`;
    if (res.status === 401) {
      throw new MeterError('auth', `${where}: HTTP 401`, this.cfg.gen === 1 ? 'set "user" and "passwordFile" to the plug\'s restricted login' : 'Gen2/3 authentication (digest) is not supported: disable it on the device for the agent\'s network, or use a PDU');
    }
    if (res.status !== 200) {
      let detail = '';
      try {
        const e = JSON.parse(res.body) as { code?: unknown; message?: unknown };
        if (typeof e.message === 'string') detail = `: ${e.message}`;
      } catch {
        // plain-text error page
      }
      throw new MeterError('http', `${where}: HTTP ${res.status}${detail}`, res.status === 404 || res.status === 500 ? 'check "gen" and "channel" for this device' : '');
    }
    const body = parseJsonReply(res.body, where);
    return this.cfg.gen === 1 ? parseShellyGen1(body, where) : parseShellyGen2(body, where);
  }
}
