// Real processes on loopback for the transport fault tests: collectors and
// agents run through the CLI, the agent reads a fixture sysfs whose RAPL
// counters the test advances, and the check reads the collector's SQLite file.
//
// The exact check: the fixture starts at a known value, the test advances it
// only after the agent took its baseline, by whole joules (so every sum of
// deltas is exact in floating point), then stops; once everything is stored,
// Σ stored joules per (domain, device) must equal the total advance exactly.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { RaplFixture } from '../fixtures/sysfs.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = path.join(ROOT, 'cli', 'src', 'main.ts');

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `wp-${prefix}-`));
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deterministic PRNG (LCG) so kill timings repeat from run to run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();
const closers: (() => void)[] = [];
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Kills every process this test file started and closes its proxies (use with node:test's after()). */
export async function cleanup(): Promise<void> {
  for (const close of closers.splice(0)) close();
  await Promise.all([...live].map((c) => new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) return r();
    c.once('exit', () => r());
    c.kill('SIGKILL');
  })));
}

function launch(args: string[], as: { uid?: number; gid?: number } = {}): Proc {
  const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  live.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => live.delete(child));
  return {
    child,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface CollectorProc extends Proc {
  grpcPort: number;
}

/** Starts `wattprint collector`; port 0 picks a free port, a known port restarts on it. */
export async function startCollector(db: string, port = 0): Promise<CollectorProc> {
  const p = launch(['collector', '--plaintext', '--grpc', `127.0.0.1:${port}`, '--http-port', '0', '--db', db]);
  const line = await waitFor('the collector to listen', () => /\{"event":"listening".*\}/.exec(p.output())?.[0] ?? (p.child.exitCode !== null ? 'exited' : undefined), 60_000, 25);
  if (line === 'exited') throw new Error(`collector exited:\n${p.output()}`);
  return { ...p, grpcPort: (JSON.parse(line) as { grpcPort: number }).grpcPort };
}

export interface AgentProc extends Proc {
  spoolDir: string;
}

/** Starts `wattprint agent` and resolves once it took its baseline readings. */
export async function startAgent(o: { collectors: string[]; spoolDir: string; sysfsRoot: string; host: string; procfsRoot?: string; uid?: number; gid?: number; socket?: string }): Promise<AgentProc> {
  const args = ['agent', '--plaintext', '--spool-dir', o.spoolDir, '--sysfs-root', o.sysfsRoot, '--procfs-root', o.procfsRoot ?? '/proc', '--interval-ms', '200', '--host', o.host];
  // No local endpoint unless asked: the default system socket is shared by every test on the machine.
  args.push('--socket', o.socket ?? '');
  for (const c of o.collectors) args.push('--collector', c);
  const p = launch(args, { uid: o.uid, gid: o.gid });
  // startAgent() resolves after the first tick (the baselines); the CLI then prints this line.
  await waitFor('the agent to take its baselines', () => p.output().includes('sending to') || (p.child.exitCode !== null && 'exited'), 60_000, 25);
  if (p.child.exitCode !== null) throw new Error(`agent exited:\n${p.output()}`);
  return { ...p, spoolDir: o.spoolDir };
}

/** A two-zone RAPL host advanced in whole joules on a timer; `advanced` is the truth. */
export class Load {
  readonly fixture = new RaplFixture([
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 5_000_000_000n },
    { dir: 'intel-rapl:0:0', name: 'dram', energyUj: 7_000_000n },
  ]);
  readonly advanced = { 'package/package-0': 0, 'dram/package-0/dram': 0 };
  private timer: NodeJS.Timeout | undefined;

  /** ~200 W package and 40 W DRAM in 50 ms steps. */
  start(): void {
    this.timer ??= setInterval(() => this.step(), 50);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
  step(): void {
    this.fixture.advance('intel-rapl:0', 10_000_000n);
    this.fixture.advance('intel-rapl:0:0', 2_000_000n);
    this.advanced['package/package-0'] += 10;
    this.advanced['dram/package-0/dram'] += 2;
  }
  get sysfsRoot(): string {
    return this.fixture.root;
  }
}

/** Σ stored joules per "domain/device" for a host, straight from the collector's db file. */
export function storedTotals(db: string, host: string): Record<string, number> {
  if (!fs.existsSync(db)) return {};
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    conn.exec('PRAGMA busy_timeout = 2000');
    const rows = conn.prepare('SELECT domain, device, sum(joules) AS j FROM host_energy WHERE host = ? GROUP BY domain, device').all(host) as { domain: string; device: string; j: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.domain}/${r.device}`, r.j]));
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return {};
    throw err;
  } finally {
    conn.close();
  }
}

/** Stored reports of a host: (seq, start, end), ordered by start. */
export function storedReports(db: string, host: string): { seq: number; start_us: number; end_us: number }[] {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    conn.exec('PRAGMA busy_timeout = 2000');
    return conn.prepare('SELECT seq, start_us, end_us FROM reports WHERE host = ? ORDER BY start_us').all(host) as { seq: number; start_us: number; end_us: number }[];
  } finally {
    conn.close();
  }
}

/**
 * Waits until the stored totals equal what the load advanced, then checks the
 * reports themselves: no two stored intervals overlap (nothing counted twice
 * under another key) and no seq is stored twice.
 */
export async function expectExactlyStored(db: string, host: string, load: Load, timeoutMs: number): Promise<{ reports: number }> {
  const expected = { ...load.advanced };
  try {
    await waitFor('stored joules to equal the counter advance', () => same(storedTotals(db, host), expected), timeoutMs, 200);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nexpected ${JSON.stringify(expected)}\nstored   ${JSON.stringify(storedTotals(db, host))}`);
  }
  const reports = storedReports(db, host);
  for (let i = 1; i < reports.length; i++) {
    if (reports[i]!.start_us < reports[i - 1]!.end_us) throw new Error(`stored intervals overlap: ${JSON.stringify(reports[i - 1])} and ${JSON.stringify(reports[i])}`);
  }
  const seqs = new Set(reports.map((r) => r.seq));
  if (seqs.size !== reports.length) throw new Error('a seq was stored twice under different intervals');
  return { reports: reports.length };
}

function same(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return (b['package/package-0'] ?? 0) > 0;
}

/** The spool's settled mark (documented file `settled` in the spool directory). */
export function spoolSettled(dir: string): number {
  try {
    return Number(fs.readFileSync(path.join(dir, 'settled'), 'utf8').trim());
  } catch {
    return 0;
  }
}

export function spoolBytes(dir: string): number {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.wal')).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
}

/**
 * A TCP proxy that can blackhole traffic: while partitioned nothing is read or
 * forwarded in either direction and new connections wait, as on a network
 * that silently drops packets (TCP keeps the bytes and retransmits on heal).
 */
export class Partition {
  private server = net.createServer((c) => this.accept(c));
  private pairs: net.Socket[] = [];
  private waiting: net.Socket[] = [];
  partitioned = false;
  port = 0;
  private readonly target: number;

  constructor(targetPort: number) {
    this.target = targetPort;
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    closers.push(() => this.close());
    return this.port;
  }

  private accept(client: net.Socket): void {
    client.on('error', () => {});
    if (this.partitioned) {
      client.pause();
      this.waiting.push(client);
      return;
    }
    this.connect(client);
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // Hand-rolled forwarding: pipe() would resume a paused source on 'drain'.
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (d: Buffer) => {
        if (to.write(d)) return;
        from.pause();
        to.once('drain', () => !this.partitioned && from.resume());
      });
      from.on('end', () => to.end());
    };
    forward(client, upstream);
    forward(upstream, client);
    this.pairs.push(client, upstream);
    if (this.partitioned) {
      client.pause();
      upstream.pause();
    }
  }

  cut(): void {
    this.partitioned = true;
    for (const s of this.pairs) s.pause();
  }

  heal(): void {
    this.partitioned = false;
    for (const s of this.pairs) if (!s.destroyed) s.resume();
    for (const c of this.waiting.splice(0)) {
      c.resume();
      this.connect(c);
    }
  }

  close(): void {
    for (const s of [...this.pairs, ...this.waiting]) s.destroy();
    this.server.close();
  }
}
