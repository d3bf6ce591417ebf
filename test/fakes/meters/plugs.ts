// Fake smart plugs speaking their documented local HTTP APIs.
// Shelly Gen1: GET /meter/{ch} -> {power, overpower, is_valid, timestamp,
//   counters[3], total (watt-minutes)}; optional restricted login (HTTP Basic).
// Shelly Gen2/3: GET /rpc/Switch.GetStatus?id={ch} -> {id, source, output,
//   apower, voltage, current, aenergy{total Wh, by_minute, minute_ts},
//   temperature}; an unknown id is a JSON-RPC error with HTTP 500.
// Tasmota: GET /cm?cmnd=Status%208[&user=&password=] -> {StatusSNS{Time,
//   ENERGY{TotalStartTime, Total kWh, Yesterday, Today, Power W, ...}}}; a
//   missing or wrong login is 401 {"WARNING":"Need user=<username>&password=<password>"}.
import type http from 'node:http';
import { sendJson, startHttpFake, type HttpFake } from './http-fake.ts';

export type PlugMode = 'ok' | 'hang' | 'not-json' | 'junk-values' | 'invalid';

abstract class PlugFake {
  mode: PlugMode = 'ok';
  readonly log: string[] = [];
  protected http: HttpFake | undefined;

  get url(): string {
    return this.http!.url;
  }

  close(): Promise<void> {
    return this.http?.close() ?? Promise.resolve();
  }

  protected async listen(): Promise<void> {
    this.http = await startHttpFake((req, _body, res) => {
      this.log.push(`${req.method} ${req.url}`);
      if (this.mode === 'hang') return;
      if (this.mode === 'not-json') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>');
      }
      this.handle(req, new URL(req.url ?? '/', 'http://fake'), res);
    });
  }

  protected abstract handle(req: http.IncomingMessage, url: URL, res: http.ServerResponse): void;
}

export class ShellyFake extends PlugFake {
  readonly gen: 1 | 2;
  /** Energy since boot, Wh (Gen1 reports it in watt-minutes). */
  totalWh = 0;
  watts = 0;
  /** Unix seconds, as the device's clock reports them. */
  unixTime = 1_700_000_000;
  /** Gen1 restricted login, when set. */
  login: { user: string; password: string } | undefined;
  readonly channels: number;

  constructor(gen: 1 | 2, channels = 1) {
    super();
    this.gen = gen;
    this.channels = channels;
  }

  static async start(gen: 1 | 2, opts: { login?: { user: string; password: string } } = {}): Promise<ShellyFake> {
    const f = new ShellyFake(gen);
    f.login = opts.login;
    await f.listen();
    return f;
  }

  /** Power draw for `seconds`: the counters advance as the device's would. */
  run(watts: number, seconds: number): void {
    this.watts = watts;
    this.totalWh += (watts * seconds) / 3600;
    this.unixTime += seconds;
  }

  /** Device reboot: counters restart at zero. */
  reboot(): void {
    this.totalWh = 0;
  }

  protected handle(req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
    const junk = this.mode === 'junk-values';
    if (this.gen === 1) {
      if (this.login && req.headers.authorization !== 'Basic ' + Buffer.from(`${this.login.user}:${this.login.password}`).toString('base64')) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="shelly1pm-A1B2C3"' });
        return void res.end('401 Unauthorized');
      }
      const m = /^\/meter\/(\d+)$/.exec(url.pathname);
      if (!m || Number(m[1]) >= this.channels) {
        res.writeHead(404);
        return void res.end('Not Found');
      }
      const wattMinutes = Math.round(this.totalWh * 60);
      return sendJson(res, 200, { power: junk ? 'n/a' : this.watts, overpower: 0, is_valid: this.mode !== 'invalid', timestamp: this.unixTime, counters: [0, 0, 0], total: junk ? -5 : wattMinutes });
    }
    if (url.pathname !== '/rpc/Switch.GetStatus') return sendJson(res, 404, { code: 404, message: `No handler for ${url.pathname}` });
    const id = Number(url.searchParams.get('id'));
    if (!Number.isInteger(id) || id < 0 || id >= this.channels) return sendJson(res, 500, { code: -105, message: `Argument 'id', value ${url.searchParams.get('id')} not found!` });
    sendJson(res, 200, {
      id,
      source: 'init',
      output: true,
      apower: junk ? null : this.watts,
      voltage: 230.4,
      freq: 50,
      current: this.watts / 230.4,
      aenergy: { total: junk ? 'lots' : Math.round(this.totalWh * 1000) / 1000, by_minute: [0, 0, 0], minute_ts: this.unixTime - (this.unixTime % 60) },
      temperature: { tC: 41.2, tF: 106.2 },
    });
  }
}

export class TasmotaFake extends PlugFake {
  /** Lifetime register, kWh (Tasmota prints it with 3 decimals by default). */
  totalKwh = 0;
  watts = 0;
  /** Power per channel on multi-channel devices; overrides `watts` when set. */
  channelWatts: number[] | undefined;
  time = Date.UTC(2024, 1, 15, 8, 36, 1);
  login: { user: string; password: string } | undefined;

  static async start(opts: { login?: { user: string; password: string } } = {}): Promise<TasmotaFake> {
    const f = new TasmotaFake();
    f.login = opts.login;
    await f.listen();
    return f;
  }

  run(watts: number, seconds: number): void {
    this.watts = watts;
    this.totalKwh += (watts * seconds) / 3_600_000;
    this.time += seconds * 1000;
  }

  protected handle(_req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
    if (url.pathname !== '/cm') {
      res.writeHead(404);
      return void res.end();
    }
    if (this.login && (url.searchParams.get('user') !== this.login.user || url.searchParams.get('password') !== this.login.password)) {
      return sendJson(res, 401, { WARNING: 'Need user=<username>&password=<password>' });
    }
    if (url.searchParams.get('cmnd') !== 'Status 8') return sendJson(res, 200, { Command: 'Unknown' });
    const junk = this.mode === 'junk-values';
    const local = new Date(this.time).toISOString().slice(0, 19);
    sendJson(res, 200, {
      StatusSNS: {
        Time: local,
        ENERGY: {
          TotalStartTime: '2023-01-01T00:00:00',
          Total: junk ? 'abc' : Math.round(this.totalKwh * 1000) / 1000,
          Yesterday: 0.123,
          Today: 0.045,
          Power: junk ? null : (this.channelWatts ?? this.watts),
          ApparentPower: this.watts,
          ReactivePower: 0,
          Factor: 1,
          Voltage: 230,
          Current: Math.round((this.watts / 230) * 1000) / 1000,
        },
      },
    });
  }
}
