// Starts Debian's real Prometheus 2.x and Alertmanager 0.25 for tests: loopback
// only, a temporary directory, free ports, clustering off. A missing binary is
// an error naming the package to install (tests fail, never skip).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from './processes.ts';

export interface Server {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Every line it printed, for failure messages. */
  readonly log: string[];
  /** Stops it and deletes its directory. */
  close(): Promise<void>;
}

function find(names: string[], pkg: string): string {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  for (const d of dirs) for (const n of names) if (fs.existsSync(path.join(d, n))) return path.join(d, n);
  throw new Error(`${names[0]} not found in /usr/bin, /usr/local/bin or PATH: install it, e.g. \`apt-get install -y ${pkg}\``);
}


async function startServer(bin: string, args: (port: number, dir: string) => string[], readyPath: string, prefix: string, files: Record<string, string>): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const port = await freePort();
  const log: string[] = [];
  const child: ChildProcess = spawn(bin, args(port, dir), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [child.stdout!, child.stderr!]) readline.createInterface({ input: s }).on('line', (l) => log.push(l));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited (${child.exitCode}) at start:\n${log.join('\n')}`);
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${bin} not ready on ${url} after 30 s:\n${log.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dir,
    log,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Alertmanager with this config (YAML), its API at url + /api/v2. */
export function startAlertmanager(configYaml: string): Promise<Server> {
  const bin = find(['prometheus-alertmanager', 'alertmanager'], 'prometheus-alertmanager');
  return startServer(
    bin,
    (port, dir) => [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    '/-/ready',
    'wp-alertmanager-',
    { 'alertmanager.yml': configYaml },
  );
}

/** Prometheus with this config (YAML), its API at url + /api/v1. */
export function startPrometheus(configYaml: string): Promise<Server> {
  const bin = find(['prometheus'], 'prometheus');
  return startServer(
    bin,
    (port, dir) => [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    '/-/ready',
    'wp-prometheus-',
    { 'prometheus.yml': configYaml },
  );
}

