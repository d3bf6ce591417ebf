// Fake WattTime API v3: GET /login (HTTP Basic -> {token}, tokens expire after
// 30 min of the fake's clock), GET /v3/historical and /v3/forecast with
// `Authorization: Bearer`, answering {data: [{point_time, value, ...}],
// meta: {region, signal_type, units: "lbs_co2_per_mwh", data_point_period_seconds: 300}}.
// historical's start and end are inclusive, as documented.
import { startFake, type FakeServer, type Reply } from './server.ts';

export interface WtPoint {
  point_time: string;
  value: number | null;
  imputed_data_used?: boolean;
  last_updated?: string;
}

export interface WtFakeOptions {
  username: string;
  password: string;
  historical: Record<string, WtPoint[]>;
  forecast?: Record<string, WtPoint[]>;
  nowMs: () => number;
  tokenLifeMs?: number;
}

export interface WtFake extends FakeServer {
  /** Makes every token issued so far invalid (as an expiry would). */
  revokeTokens(): void;
  logins: number;
}

export async function startWattTimeFake(o: WtFakeOptions): Promise<WtFake> {
  const tokens = new Map<string, number>();
  let n = 0;
  const fake = (await startFake((req): Reply => {
    if (req.path === '/login') {
      const want = 'Basic ' + Buffer.from(`${o.username}:${o.password}`).toString('base64');
      if (req.headers.authorization !== want) return { status: 401, body: { error: 'invalid credentials' } };
      const token = `tok-${++n}`;
      tokens.set(token, o.nowMs() + (o.tokenLifeMs ?? 30 * 60_000));
      wt.logins++;
      return { status: 200, body: { token } };
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const exp = bearer ? tokens.get(bearer) : undefined;
    if (exp === undefined || exp < o.nowMs()) return { status: 401, body: { error: 'token expired or invalid' } };
    const region = req.query.get('region') ?? '';
    const signal = req.query.get('signal_type') ?? '';
    if (signal !== 'co2_moer') return { status: 400, body: { error: `signal_type ${signal} not available` } };
    const meta = { region, signal_type: signal, units: 'lbs_co2_per_mwh', data_point_period_seconds: 300, warnings: [] };
    if (req.path === '/v3/historical') {
      const start = Date.parse(req.query.get('start') ?? '');
      const end = Date.parse(req.query.get('end') ?? '');
      if (!Number.isFinite(start) || !Number.isFinite(end)) return { status: 400, body: { error: 'start and end need a timezone' } };
      if (end - start > 32 * 24 * 3600_000) return { status: 400, body: { error: 'at most 32 days per query' } };
      const data = (o.historical[region] ?? []).filter((p) => Date.parse(p.point_time) >= start && Date.parse(p.point_time) <= end);
      return { status: 200, body: { data, meta: { ...meta, model: { type: 'binned_regression', date: '2023-03-01' } } } };
    }
    if (req.path === '/v3/forecast') {
      return { status: 200, body: { data: o.forecast?.[region] ?? [], meta: { ...meta, model: { date: '2023-03-01' }, generated_at: new Date(o.nowMs()).toISOString(), generated_at_period_seconds: 300 } } };
    }
    return { status: 404, body: { error: `no route ${req.path}` } };
  })) as WtFake;
  const wt = fake;
  wt.logins = 0;
  wt.revokeTokens = () => tokens.clear();
  return wt;
}
