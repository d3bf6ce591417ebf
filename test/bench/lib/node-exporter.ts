// Prometheus node_exporter (Debian package prometheus-node-exporter) as the
// peer to compare the agent with: the same fixture sysfs and procfs, only the
// collectors that read what the agent reads (rapl, cpu, processes).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const CANDIDATES = ['/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter', '/usr/local/bin/node_exporter'];

/** The node_exporter binary, or undefined with the reason in `why`. */
export function findNodeExporter(): { bin?: string; why: string } {
  const fromEnv = process.env.NODE_EXPORTER;
  if (fromEnv) return fs.existsSync(fromEnv) ? { bin: fromEnv, why: '' } : { why: `NODE_EXPORTER=${fromEnv} does not exist` };
  const bin = CANDIDATES.find((c) => fs.existsSync(c));
  return bin ? { bin, why: '' } : { why: `node_exporter not found at ${CANDIDATES.join(', ')}: apt-get install prometheus-node-exporter` };
}

/** A port nobody listens on right now (node_exporter cannot report the port it got for :0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NodeExporter {
  child: ChildProcess;
  pid: number;
  port: number;
  log: string[];
  /** GETs /metrics; resolves with the body, rejects on a non-200. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

export async function startNodeExporter(bin: string, sysfsRoot: string, procfsRoot: string): Promise<NodeExporter> {
  const port = await freePort();
  const args = [
    `--web.listen-address=127.0.0.1:${port}`,
    `--path.sysfs=${sysfsRoot}`,
    `--path.procfs=${procfsRoot}`,
    '--collector.disable-defaults',
    '--collector.rapl',
    '--collector.cpu',
    '--collector.processes',
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (b: Buffer) => log.push(...b.toString().trimEnd().split('\n')));
  const scrape = () =>
    new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`node_exporter /metrics answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('node_exporter /metrics: no answer within 10 s')));
    });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited (${child.exitCode}):\n${log.slice(-10).join('\n')}`);
    try {
      await scrape();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`node_exporter did not answer on 127.0.0.1:${port} within 10 s (${(err as Error).message}):\n${log.slice(-10).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    child,
    pid: child.pid!,
    port,
    log,
    scrape,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** node_scrape_collector_success per collector from an exposition body. */
export function collectorSuccess(metrics: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of metrics.matchAll(/^node_scrape_collector_success\{collector="([^"]+)"\} (\S+)$/gm)) out[m[1]!] = m[2] === '1';
  return out;
}
