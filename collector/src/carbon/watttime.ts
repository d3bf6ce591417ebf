// WattTime API v3: marginal operating emissions rate (MOER), 5-minute points
// in lbs CO2/MWh. Marginal only: what one more kWh emits now, for scheduling
// and "what if" figures, never part of the accounting total.
// Login: GET /login with HTTP Basic returns a bearer token valid 30 min; we
// renew it before that and on any 401.
import { gPerKwhFromLbsPerMwh } from './compute.ts';
import { getJson, HttpError, type HttpOptions } from './fetch.ts';
import { dedupeByStart, HOUR_US, isoFromUs, ProviderError, usFromIso, type IntensityPeriod, type IntensityProvider } from './provider.ts';

export const WATTTIME_BASE_URL = 'https://api.watttime.org';

export interface WattTimeOptions {
  username: string;
  password: string;
  /** Our zone -> WattTime region ("US-CAL-CISO" -> "CAISO_NORTH"). Zones not listed get no data. */
  regions: Record<string, string>;
  baseUrl?: string;
  /** Renew the token after this long (it lives 30 min). */
  tokenTtlMs?: number;
  forecastHorizonHours?: number;
  http?: HttpOptions;
  now?: () => number;
}

const MAX_RANGE_US = 32 * 24 * HOUR_US;

interface Point {
  point_time?: unknown;
  value?: unknown;
  last_updated?: unknown;
  imputed_data_used?: unknown;
}
interface SignalBody {
  data?: unknown;
  meta?: { region?: unknown; signal_type?: unknown; units?: unknown; data_point_period_seconds?: unknown };
}

export class WattTimeProvider implements IntensityProvider {
  readonly id = 'watttime';
  readonly basis = 'marginal' as const;
  /** Logins made (tests and status). */
  logins = 0;
  private readonly o: Required<WattTimeOptions>;
  private token: { value: string; atMs: number } | undefined;
  private loggingIn: Promise<string> | undefined;

  constructor(o: WattTimeOptions) {
    if (!o.username || !o.password) throw new ProviderError(this.id, 'username and password are required (GET /login uses HTTP Basic)');
    this.o = { baseUrl: WATTTIME_BASE_URL, tokenTtlMs: 25 * 60_000, forecastHorizonHours: 24, http: {}, now: () => Date.now() * 1000, ...o };
  }

  async periods(zone: string, startUs: number, endUs: number, signal?: AbortSignal): Promise<IntensityPeriod[]> {
    const region = this.o.regions[zone];
    if (!region) return [];
    const now = this.o.now();
    const out: IntensityPeriod[] = [];
    const histEnd = Math.min(endUs, now);
    for (let s = startUs; s < histEnd; s += MAX_RANGE_US) {
      const e = Math.min(histEnd, s + MAX_RANGE_US);
      const body = await this.get('/v3/historical', { region, start: isoFromUs(s), end: isoFromUs(e), signal_type: 'co2_moer' }, signal);
      out.push(...this.parse(zone, region, body, 'historical'));
    }
    const lastEnd = out.reduce((m, p) => Math.max(m, p.endUs), startUs);
    if (endUs > lastEnd && endUs > now - HOUR_US) {
      const body = await this.get('/v3/forecast', { region, signal_type: 'co2_moer', horizon_hours: String(this.o.forecastHorizonHours) }, signal);
      out.push(...this.parse(zone, region, body, 'forecast').filter((p) => p.startUs >= lastEnd));
    }
    return dedupeByStart(out.filter((p) => p.endUs > startUs && p.startUs < endUs));
  }

  private async get(path: string, query: Record<string, string>, signal?: AbortSignal): Promise<SignalBody> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}${path}?${new URLSearchParams(query)}`;
    const opts = { ...this.o.http, ...(signal ? { signal } : {}) };
    let token = await this.currentToken(signal);
    try {
      return (await getJson(this.id, url, { authorization: `Bearer ${token}` }, opts)) as SignalBody;
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 401)) throw err;
      // Expired or revoked early: log in again once.
      this.token = undefined;
      token = await this.currentToken(signal);
      return (await getJson(this.id, url, { authorization: `Bearer ${token}` }, opts)) as SignalBody;
    }
  }

  private async currentToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.o.now() / 1000 - this.token.atMs < this.o.tokenTtlMs) return this.token.value;
    // One login for all concurrent callers.
    this.loggingIn ??= (async () => {
      const basic = Buffer.from(`${this.o.username}:${this.o.password}`).toString('base64');
      this.logins++;
      const body = (await getJson(this.id, `${this.o.baseUrl.replace(/\/+$/, '')}/login`, { authorization: `Basic ${basic}` }, { ...this.o.http, ...(signal ? { signal } : {}) })) as { token?: unknown };
      if (typeof body?.token !== 'string' || body.token === '') throw new ProviderError(this.id, 'login answered without a token');
      this.token = { value: body.token, atMs: this.o.now() / 1000 };
      return body.token;
    })().finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private parse(zone: string, region: string, body: SignalBody, endpoint: 'historical' | 'forecast'): IntensityPeriod[] {
    const meta = body?.meta;
    if (!meta || !Array.isArray(body.data)) throw new ProviderError(this.id, `${endpoint}: expected {data: [...], meta: {...}}`);
    if (meta.region !== undefined && meta.region !== region) throw new ProviderError(this.id, `${endpoint}: asked for region ${region}, answered for ${JSON.stringify(meta.region)}`);
    if (meta.signal_type !== undefined && meta.signal_type !== 'co2_moer') throw new ProviderError(this.id, `${endpoint}: signal_type ${JSON.stringify(meta.signal_type)}, asked for co2_moer`);
    if (meta.units !== 'lbs_co2_per_mwh') throw new ProviderError(this.id, `${endpoint}: units ${JSON.stringify(meta.units)}, expected "lbs_co2_per_mwh"`);
    const periodS = meta.data_point_period_seconds ?? 300;
    if (typeof periodS !== 'number' || !(periodS > 0)) throw new ProviderError(this.id, `${endpoint}: data_point_period_seconds ${JSON.stringify(periodS)}`);
    const out: IntensityPeriod[] = [];
    for (const pt of body.data as Point[]) {
      const startUs = usFromIso(this.id, `${endpoint} point_time`, pt?.point_time);
      if (pt.value === null || pt.value === undefined) continue;
      if (typeof pt.value !== 'number' || !Number.isFinite(pt.value) || pt.value < 0) throw new ProviderError(this.id, `${endpoint} ${pt.point_time}: value ${JSON.stringify(pt.value)} is not a number >= 0`);
      const p: IntensityPeriod = {
        startUs,
        endUs: startUs + periodS * 1_000_000,
        gPerKwh: gPerKwhFromLbsPerMwh(pt.value),
        basis: 'marginal',
        quality: endpoint === 'forecast' ? 'forecast' : pt.imputed_data_used === true ? 'estimated' : 'measured',
        provider: this.id,
        zone,
        dataset: { name: `WattTime API v3 ${endpoint} co2_moer ${region}`, licence: 'WattTime API terms of use (subscription)' },
      };
      if (typeof pt.last_updated === 'string' && Number.isFinite(Date.parse(pt.last_updated))) p.updatedAtUs = Date.parse(pt.last_updated) * 1000;
      out.push(p);
    }
    return out;
  }
}
