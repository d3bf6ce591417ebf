// Fake Electricity Maps API (v3 and v4 carbon-intensity latest, history,
// past-range) as documented: `auth-token` header, `zone` query parameter,
// rows {zone?, datetime (period start), carbonIntensity (may be null),
// isEstimated, estimationMethod, updatedAt, emissionFactorType,
// temporalGranularity}; v3 history is {zone, history: [...]}, v4 {zone, data: [...]},
// past-range {zone, data: [...]}. Like the real API, a request without a zone
// is answered for the caller's IP location (here zone "XX").
// A "personal" token is refused past-range with 401, as free tokens are.
import { startFake, type FakeServer, type Reply } from './server.ts';

export interface EmRow {
  datetime: string;
  carbonIntensity: number | null;
  isEstimated?: boolean;
  estimationMethod?: string | null;
  updatedAt?: string;
  emissionFactorType?: 'lifecycle' | 'direct';
  temporalGranularity?: string;
}

export interface EmFakeOptions {
  token: string;
  /** Rows per zone and emission factor type ("DE/lifecycle"); history/latest use the fake's clock. */
  rows: Record<string, EmRow[]>;
  personalToken?: string;
  nowMs: () => number;
}

export async function startElectricityMapsFake(o: EmFakeOptions): Promise<FakeServer> {
  return startFake((req): Reply => {
    const m = /^\/(v3|v4)\/carbon-intensity\/(latest|history|past-range)$/.exec(req.path);
    if (!m) return { status: 404, body: { message: `no route ${req.path}` } };
    const [, version, endpoint] = m;
    const token = req.headers['auth-token'];
    if (token !== o.token && token !== o.personalToken) return { status: 401, body: { message: 'Invalid authentication token' } };
    if (endpoint === 'past-range' && token === o.personalToken) return { status: 401, body: { message: 'Your plan does not include past-range' } };
    const lookupOff = version === 'v4' ? req.query.get('disableCallerLookup') === 'true' : req.query.get('shouldUseFallbackCallerLookup') === 'false';
    const zone = req.query.get('zone') ?? (lookupOff ? undefined : 'XX');
    if (!zone) return { status: 400, body: { message: 'zone is required when caller lookup is disabled' } };
    const eft = req.query.get('emissionFactorType') ?? 'lifecycle';
    const rows = (o.rows[`${zone}/${eft}`] ?? []).map((r) => ({ zone, emissionFactorType: eft, temporalGranularity: 'hourly', ...r }));
    const t = (r: { datetime: string }) => Date.parse(r.datetime);
    const now = o.nowMs();
    if (endpoint === 'latest') {
      const last = rows.filter((r) => t(r) <= now).sort((a, b) => t(a) - t(b)).at(-1);
      return last ? { status: 200, body: last } : { status: 404, body: { message: `no data for ${zone}` } };
    }
    if (endpoint === 'history') {
      // Hours that have started before now, back 24 h; the hour starting now only via latest.
      const list = rows.filter((r) => t(r) < now && t(r) >= now - 24 * 3600_000);
      return { status: 200, body: version === 'v4' ? { zone, data: list } : { zone, history: list } };
    }
    const start = Date.parse(req.query.get('start') ?? '');
    const end = Date.parse(req.query.get('end') ?? '');
    if (!Number.isFinite(start) || !Number.isFinite(end)) return { status: 400, body: { message: 'start and end are required' } };
    if (end - start > 10 * 24 * 3600_000) return { status: 400, body: { message: 'range exceeds 10 days' } };
    return { status: 200, body: { zone, data: rows.filter((r) => t(r) >= start && t(r) < end) } };
  });
}
