// Tasmota plugs: GET /cm?cmnd=Status%208 -> StatusSNS.ENERGY.{Total kWh, Power W}.
// Devices with several channels report Power (and, with SetOption129, Total)
// as arrays: "channel" picks one. Credentials go in the query string, as the
// Tasmota web API requires; they are kept out of every message.
import { Source } from '@wattprint/proto';
import { JOULES_PER_KWH, MeterError, nonNegative, type Meter, type MeterReading } from './meter.ts';
import { httpRequest, parseJsonReply, readSecretFile } from './io.ts';

export interface TasmotaMeterConfig {
  kind: 'tasmota';
  name: string;
  url: string;
  /** Index into array-valued Power/Total on multi-channel devices (default 0). */
  channel: number;
  user?: string;
  passwordFile?: string;
}

function pick(v: unknown, channel: number): unknown {
  return Array.isArray(v) ? v[channel] : v;
}

/** Tasmota's "Time" is the device's local time without a zone; read as UTC, it still shows whether the reading moved. */
function localTimeMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v)) return undefined;
  const t = Date.parse(v + 'Z');
  return Number.isFinite(t) ? t : undefined;
}

export function parseTasmotaStatus8(body: unknown, channel: number, where: string): MeterReading {
  const b = body as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null) throw new MeterError('malformed', `${where}: reply is not a JSON object`);
  if (typeof b.WARNING === 'string') throw new MeterError('auth', `${where}: device says ${JSON.stringify(b.WARNING)}`, 'set "user" and "passwordFile" to the web admin login');
  const sns = b.StatusSNS as Record<string, unknown> | undefined;
  const en = sns?.ENERGY as Record<string, unknown> | undefined;
  if (typeof en !== 'object' || en === null) throw new MeterError('malformed', `${where}: no StatusSNS.ENERGY object`, 'this Tasmota device has no energy monitoring, or the URL is not a Tasmota device');
  const total = nonNegative(pick(en.Total, channel));
  const power = nonNegative(pick(en.Power, channel));
  if (total === undefined && power === undefined) {
    throw new MeterError('malformed', `${where}: ENERGY.Total (kWh) and ENERGY.Power (W) are not numbers >= 0 for channel ${channel} (Total=${JSON.stringify(en.Total)}, Power=${JSON.stringify(en.Power)})`);
  }
  return { energyJoules: total === undefined ? undefined : total * JOULES_PER_KWH, watts: power, meterTimeMs: localTimeMs(sns?.Time) };
}

export class TasmotaMeter implements Meter {
  readonly kind = 'tasmota' as const;
  readonly source = Source.SOURCE_TASMOTA;
  readonly name: string;
  readonly target: string;
  private readonly cfg: TasmotaMeterConfig;

  constructor(cfg: TasmotaMeterConfig) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.target = new URL('/cm?cmnd=Status%208', cfg.url).href;
  }

  async read(signal: AbortSignal): Promise<MeterReading> {
    let query = '/cm?cmnd=Status%208';
    if (this.cfg.user) {
      const password = this.cfg.passwordFile ? readSecretFile(this.cfg.passwordFile, 'TASMOTA_PASSWORD') : '';
      query += `&user=${encodeURIComponent(this.cfg.user)}&password=${encodeURIComponent(password)}`;
    }
    const url = new URL(query, this.cfg.url);
    const where = 'GET /cm?cmnd=Status 8';
    const res = await httpRequest(url, { signal });
    if (res.status === 401) {
      let warning = '';
      try {
        const w = (JSON.parse(res.body) as { WARNING?: unknown }).WARNING;
        if (typeof w === 'string') warning = `: ${w}`;
      } catch {
        // no JSON body
      }
      throw new MeterError('auth', `${where}: HTTP 401${warning}`, 'set "user" and "passwordFile" to the web admin login');
    }
    if (res.status !== 200) throw new MeterError('http', `${where}: HTTP ${res.status}`, '');
    return parseTasmotaStatus8(parseJsonReply(res.body, where), this.cfg.channel, where);
  }
}
