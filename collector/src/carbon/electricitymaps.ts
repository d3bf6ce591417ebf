// Electricity Maps carbon intensity (API v3 or v4): hourly, consumption-based,
// lifecycle or direct emission factors. Recent hours come from `history`
// (last 24 h) and `latest`; older ones from `past-range` (which free tokens
// may not reach: then the chain falls through). The zone is always passed
// and caller-IP lookup disabled: the API otherwise answers for wherever the
// collector happens to be, with valid-looking numbers.
import { getJson, HttpError, type HttpOptions } from './fetch.ts';
import { dedupeByStart, HOUR_US, isoFromUs, ProviderError, usFromIso, type Basis, type IntensityPeriod, type IntensityProvider } from './provider.ts';

export const ELECTRICITY_MAPS_BASE_URL = 'https://api.electricitymaps.com';

export interface ElectricityMapsOptions {
  token: string;
  /** Host only; the version path is added ("https://api.electricitymaps.com"). */
  baseUrl?: string;
  version?: 'v3' | 'v4';
  emissionFactorType?: 'lifecycle' | 'direct';
  /** Zones it answers for; all when absent. */
  zones?: string[];
  http?: HttpOptions;
  now?: () => number;
}

const GRANULARITY_US: Record<string, number> = { hourly: HOUR_US, '15_minutes': 15 * 60_000_000, '5_minutes': 5 * 60_000_000 };
const MAX_RANGE_US = 10 * 24 * HOUR_US;

interface Row {
  zone?: string;
  datetime?: unknown;
  carbonIntensity?: unknown;
  isEstimated?: unknown;
  estimationMethod?: unknown;
  updatedAt?: unknown;
  emissionFactorType?: unknown;
  temporalGranularity?: unknown;
}

export class ElectricityMapsProvider implements IntensityProvider {
  readonly id = 'electricitymaps';
  readonly basis: Basis;
  private readonly o: Required<Omit<ElectricityMapsOptions, 'zones'>> & { zones?: string[] };

  constructor(o: ElectricityMapsOptions) {
    if (!o.token) throw new ProviderError(this.id, 'token is empty (the API wants an auth-token header)');
    this.o = { baseUrl: ELECTRICITY_MAPS_BASE_URL, version: 'v3', emissionFactorType: 'lifecycle', http: {}, now: () => Date.now() * 1000, ...o };
    this.basis = this.o.emissionFactorType === 'direct' ? 'location_direct' : 'location_lifecycle';
  }

  async periods(zone: string, startUs: number, endUs: number, signal?: AbortSignal): Promise<IntensityPeriod[]> {
    if (this.o.zones && !this.o.zones.includes(zone)) return [];
    const now = this.o.now();
    const historyFrom = now - 24 * HOUR_US + HOUR_US; // history's oldest row, with an hour's margin
    let rows: { row: Row; endpoint: string }[] = [];
    if (startUs >= historyFrom) {
      rows = await this.history(zone, signal);
    } else {
      try {
        for (let s = startUs; s < endUs; s += MAX_RANGE_US) rows.push(...(await this.pastRange(zone, s, Math.min(endUs, s + MAX_RANGE_US), signal)));
      } catch (err) {
        // Personal tokens get 401 on past-range; history still covers the last day.
        if (!(err instanceof HttpError && (err.status === 401 || err.status === 403) && endUs > historyFrom)) throw err;
        rows = await this.history(zone, signal);
      }
    }
    let periods = rows.map((r) => this.toPeriod(zone, r.row, r.endpoint)).filter((p): p is IntensityPeriod => p !== undefined);
    const lastEnd = periods.reduce((m, p) => Math.max(m, p.endUs), startUs);
    if (endUs > now - HOUR_US && lastEnd < endUs && lastEnd <= now) {
      const latest = await this.get('carbon-intensity/latest', zone, {}, signal);
      const p = this.toPeriod(zone, latest as Row, 'latest');
      if (p) periods.push(p);
    }
    periods = periods.filter((p) => p.endUs > startUs && p.startUs < endUs);
    return dedupeByStart(periods);
  }

  private async history(zone: string, signal?: AbortSignal) {
    const body = (await this.get('carbon-intensity/history', zone, {}, signal)) as { history?: unknown; data?: unknown };
    // v3 answers {history: [...]}, v4 {data: [...]}; accept either.
    const list = body.history ?? body.data;
    if (!Array.isArray(list)) throw new ProviderError(this.id, `history for ${zone}: expected a "history" or "data" list`);
    return list.map((row: Row) => ({ row, endpoint: 'history' }));
  }

  private async pastRange(zone: string, startUs: number, endUs: number, signal?: AbortSignal) {
    const body = (await this.get('carbon-intensity/past-range', zone, { start: isoFromUs(startUs), end: isoFromUs(endUs), temporalGranularity: 'hourly' }, signal)) as { data?: unknown };
    if (!Array.isArray(body.data)) throw new ProviderError(this.id, `past-range for ${zone}: expected a "data" list`);
    return body.data.map((row: Row) => ({ row, endpoint: 'past-range' }));
  }

  private async get(path: string, zone: string, extra: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
    const q = new URLSearchParams({ zone, emissionFactorType: this.o.emissionFactorType, ...extra });
    if (this.o.version === 'v4') q.set('disableCallerLookup', 'true');
    else q.set('shouldUseFallbackCallerLookup', 'false');
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}/${this.o.version}/${path}?${q}`;
    const body = await getJson(this.id, url, { 'auth-token': this.o.token }, { ...this.o.http, ...(signal ? { signal } : {}) });
    if (typeof body !== 'object' || body === null) throw new ProviderError(this.id, `${path}: expected an object, got ${JSON.stringify(body)}`);
    const answered = (body as { zone?: unknown }).zone;
    if (answered !== undefined && answered !== zone) throw new ProviderError(this.id, `${path}: asked for zone ${zone}, answered for ${JSON.stringify(answered)}; refused (caller-location fallback?)`);
    return body;
  }

  /** A row as a period; undefined for a row without a value (a gap, not an error). */
  private toPeriod(zone: string, row: Row, endpoint: string): IntensityPeriod | undefined {
    if (typeof row !== 'object' || row === null) throw new ProviderError(this.id, `${endpoint}: row is ${JSON.stringify(row)}`);
    if (row.zone !== undefined && row.zone !== zone) throw new ProviderError(this.id, `${endpoint}: row for zone ${JSON.stringify(row.zone)} in an answer for ${zone}`);
    const startUs = usFromIso(this.id, `${endpoint} datetime`, row.datetime);
    if (row.carbonIntensity === null || row.carbonIntensity === undefined) return undefined;
    const g = row.carbonIntensity;
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) throw new ProviderError(this.id, `${endpoint} ${row.datetime}: carbonIntensity ${JSON.stringify(g)} is not a number >= 0`);
    if (row.emissionFactorType !== undefined && row.emissionFactorType !== this.o.emissionFactorType) {
      throw new ProviderError(this.id, `${endpoint} ${row.datetime}: emissionFactorType ${JSON.stringify(row.emissionFactorType)}, asked for ${this.o.emissionFactorType}`);
    }
    const gran = typeof row.temporalGranularity === 'string' ? row.temporalGranularity : 'hourly';
    const len = GRANULARITY_US[gran];
    if (len === undefined) throw new ProviderError(this.id, `${endpoint} ${row.datetime}: temporalGranularity ${JSON.stringify(gran)} not supported`);
    const p: IntensityPeriod = {
      startUs,
      endUs: startUs + len,
      gPerKwh: g,
      basis: this.basis,
      // A row that does not say it is final is not passed off as measured.
      quality: row.isEstimated === false ? 'measured' : 'estimated',
      provider: this.id,
      zone,
      dataset: { name: `Electricity Maps API ${this.o.version} ${endpoint} (${this.o.emissionFactorType})`, licence: 'Electricity Maps API terms of use (not redistributable)' },
    };
    if (typeof row.updatedAt === 'string' && Number.isFinite(Date.parse(row.updatedAt))) p.updatedAtUs = Date.parse(row.updatedAt) * 1000;
    if (typeof row.estimationMethod === 'string') p.estimationMethod = row.estimationMethod;
    return p;
  }
}
