// Starts real wattprint processes (collector, agent) for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE = path.join(REPO, 'node_modules', '.bin', 'node');
// WATTPRINT_TEST_BUILD=1 runs the built JavaScript (`npm run build`) instead of the sources (CI does both).
export const CLI = process.env.WATTPRINT_TEST_BUILD ? path.join(REPO, 'build', 'cli', 'src', 'main.js') : path.join(REPO, 'cli', 'src', 'main.ts');

/** Runs the CLI to its end with WATTPRINT_STATE_DIR set; a run that outlives the limit is killed and reported as hung. */
export function runCli(args: string[], stateDir: string, limitMs = 150_000): Promise<{ code: number | null; out: string; err: string; hung: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WATTPRINT_STATE_DIR: stateDir } });
    let out = '';
    let err = '';
    let hung = false;
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, hung });
    });
  });
}

export interface Proc {
  child: ChildProcess;
  output: string[];
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function wattprint(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return nodeProcess([CLI, ...args], env);
}

/** Runs a TypeScript entry point on the project's Node, collecting its output lines. */
export function nodeProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) readline.createInterface({ input: s }).on('line', (l) => output.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits for a line on stdout/stderr that matches, or fails with the output so far. */
export async function waitForLine(p: Proc, re: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const l of p.output) {
      const m = l.match(re);
      if (m) return m;
    }
    if (p.child.exitCode !== null) throw new Error(`process exited (${p.child.exitCode}) before printing ${re}:\n${p.output.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${p.output.join('\n')}`);
    await sleep(50);
  }
}

export async function startCollectorProcess(dbPath: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ proc: Proc; grpcPort: number; httpPort: number }> {
  const proc = wattprint(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--db', dbPath, ...extra], env);
  const m = await waitForLine(proc, /^\{"event":"listening".*\}$/, 60_000);
  const info = JSON.parse(m[0]) as { grpcPort: number; httpPort: number };
  return { proc, grpcPort: info.grpcPort, httpPort: info.httpPort };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a truthy value or the time runs out. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(100);
  }
}

/** A port that was free a moment ago (the servers take their port as a flag). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
