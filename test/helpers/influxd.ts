// Starts a real InfluxDB 1.x (influxd) for tests and benchmarks: loopback only,
// a temporary data/meta/wal directory, a generated config with every listener
// but HTTP disabled (the RPC listener, which influxd always opens, on a free
// port). HTTP binds port 0; the real port is read from influxd's log.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export interface InfluxdOptions {
  /** Turn on [http] auth-enabled and create this admin user. */
  admin?: { username: string; password: string };
  /** Turn on auth without creating a user (the first CREATE USER ... WITH ALL PRIVILEGES gets through). */
  authOnly?: boolean;
  /** HTTP port to bind (default: a free one). */
  port?: number;
  /** Extra lines for the [data] section, e.g. "max-values-per-tag = 1000". */
  data?: string[];
}

export interface Influxd {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Last lines influxd printed, for failure messages. */
  readonly log: string[];
  /** Stops influxd (SIGTERM, then SIGKILL) and keeps its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  close(): Promise<void>;
}

const CANDIDATES = ['/usr/bin/influxd', '/usr/local/bin/influxd'];

export function findInfluxd(): string {
  const fromEnv = process.env.INFLUXD;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`INFLUXD=${fromEnv} does not exist`);
    return fromEnv;
  }
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, 'influxd'));
  for (const p of [...CANDIDATES, ...onPath]) if (fs.existsSync(p)) return p;
  throw new Error('influxd not found (looked at $INFLUXD, /usr/bin/influxd, /usr/local/bin/influxd and PATH): install InfluxDB 1.x, e.g. `apt-get install -y influxdb`');
}

function config(dir: string, httpPort: number, auth: boolean, data: string[] = []): string {
  const d = (s: string) => JSON.stringify(path.join(dir, s));
  return `reporting-disabled = true
bind-address = "127.0.0.1:0"

[meta]
  dir = ${d('meta')}

[data]
  dir = ${d('data')}
  wal-dir = ${d('wal')}
  query-log-enabled = false
${data.map((l) => `  ${l}\n`).join('')}
[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${auth}
  log-enabled = false
  pprof-enabled = false
  unix-socket-enabled = false

[continuous_queries]
  enabled = true
  log-enabled = false

[logging]
  level = "info"
  suppress-logo = true
`;
}

export async function startInfluxd(opts: InfluxdOptions = {}): Promise<Influxd> {
  const bin = findInfluxd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-influxd-'));
  const log: string[] = [];
  let child: ChildProcess | undefined;
  let port = opts.port ?? 0;

  const launch = async () => {
    const cfgFile = path.join(dir, 'influxdb.conf');
    fs.writeFileSync(cfgFile, config(dir, port, opts.admin !== undefined || opts.authOnly === true, opts.data));
    // INFLUXDB_* variables override the config file: keep them out.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INFLUXDB_')));
    const c = spawn(bin, ['run', '-config', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'], env });
    child = c;
    let exited = false;
    c.once('exit', () => (exited = true));
    const listening = new Promise<number>((resolve, reject) => {
      for (const s of [c.stdout!, c.stderr!]) {
        readline.createInterface({ input: s }).on('line', (line) => {
          log.push(line);
          if (log.length > 200) log.shift();
          const m = /msg="Listening on HTTP".* addr=[^ ]*:(\d+)/.exec(line);
          if (m) resolve(Number(m[1]));
        });
      }
      c.once('exit', (code, sig) => reject(new Error(`influxd exited (${code ?? sig}) before listening:\n${log.slice(-20).join('\n')}`)));
      c.once('error', reject);
      setTimeout(() => reject(new Error(`influxd did not listen within 20 s:\n${log.slice(-20).join('\n')}`)), 20_000).unref();
    });
    try {
      port = await listening;
      await waitForPing(port, () => exited);
    } catch (err) {
      c.kill('SIGKILL');
      throw err;
    }
  };

  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const killer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(killer);
  };

  try {
    await launch();
    if (opts.admin) {
      // With auth on and no users yet, InfluxDB 1.x lets exactly this statement through.
      const q = `CREATE USER "${opts.admin.username}" WITH PASSWORD '${opts.admin.password.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}' WITH ALL PRIVILEGES`;
      const res = await request(port, 'POST', '/query', `q=${encodeURIComponent(q)}`);
      if (res.status !== 200 || res.body.includes('"error"')) throw new Error(`cannot create the admin user: ${res.status} ${res.body}`);
    }
  } catch (err) {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dir,
    log,
    stop,
    start: async () => {
      if (child) return;
      await launch();
    },
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await request(port, 'GET', '/ping');
      if (res.status === 204) return;
    } catch {
      // not up yet
    }
    if (exited()) throw new Error('influxd exited while waiting for /ping');
    if (Date.now() > deadline) throw new Error(`influxd on port ${port} did not answer /ping within 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plain HTTP request to influxd (no client library), for helpers and checks. */
export function request(port: number, method: string, pathAndQuery: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathAndQuery,
        headers: body === undefined ? headers : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${pathAndQuery}: no answer within 10 s`)));
    req.end(body);
  });
}
