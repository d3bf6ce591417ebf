// `wattprint measure -- CMD ARGS`: runs CMD as a measured job on this host and
// prints its energy and carbon when it ends.
//
// With a local agent running (its Unix socket answers; the sockets are found
// as everywhere else, agent/src/local/discovery.ts), CMD is registered there
// and the collector's API (--api) answers the report: the host's CPU-seconds
// and joules are counted once, by that agent. An agent present but refusing
// this user is an error unless --standalone asks for a private agent. Without
// one, an agent and a collector run inside this process on the embedded store.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localRequest } from '@wattprint/agent/local/endpoint.ts';
import { findAgent, type SocketCandidate } from '@wattprint/agent/local/discovery.ts';
import { loadAgentConfig, startAgent } from '@wattprint/agent/agent.ts';
import { startCollector } from '@wattprint/collector/collector.ts';
import { jobReport, type JobReport } from '@wattprint/collector/api/report.ts';

export interface MeasureOptions {
  jobId: string;
  labels: Record<string, string>;
  command: string[];
  stateDir: string;
  /** Where to look for the host's agent, in order (socketCandidates()). */
  sockets: SocketCandidate[];
  /** Run a private agent even where an agent is present (its figures kept apart from that agent's store). */
  standalone?: boolean;
  apiUrl?: string;
  apiToken?: string;
  sysfsRoot?: string;
  procfsRoot?: string;
  intervalMs: number;
  /** Grid zone for the in-process collector (the world average without one). */
  zone?: string;
  /** Carbon section for the in-process collector (docs/CARBON.md). */
  carbon?: unknown;
  /** An agent config file whose meters (and zone, PUE, labels) the in-process agent uses. */
  agentConfig?: string;
  log: (m: string) => void;
}

export interface MeasureResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  report: JobReport | undefined;
  mode: 'agent' | 'in-process';
  durationSeconds: number;
}

export function newJobId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `measure-${t}-${crypto.randomBytes(3).toString('hex')}`;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Runs the command with signals forwarded; resolves with how it ended. */
function runChild(command: string[], env: NodeJS.ProcessEnv, onSpawn: (pid: number) => Promise<void>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const handlers = FORWARDED.map((sig) => [sig, forward(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    child.once('error', (err) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      // As shells do: 127 when the command is not found, 126 when it is found but cannot run.
      const notFound = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(Object.assign(new Error(`cannot run ${command[0]}: ${notFound ? 'command not found (check the name and PATH)' : err.message}`), { exitCode: notFound ? 127 : 126 }));
    });
    child.once('spawn', () => void onSpawn(child.pid!).catch(() => {}));
    child.once('exit', (code, signal) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve({ code, signal });
    });
  });
}

/** The API `wattprint start` wrote next to its agent's socket (STATE_DIR/api-url), if any. */
function startApiUrl(socketPath: string): string | undefined {
  try {
    const url = fs.readFileSync(path.join(path.dirname(socketPath), 'api-url'), 'utf8').trim();
    return /^http:\/\/127\.0\.0\.1:\d+$/.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** An agent is there but will not take this user's registration. */
export class AgentRefusedError extends Error {}

export async function measure(o: MeasureOptions): Promise<MeasureResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, WATTPRINT_JOB_ID: o.jobId };
  const started = Date.now();
  const found = await findAgent(o.sockets);
  if (found.state === 'refused' && !o.standalone) {
    throw new AgentRefusedError(
      `an agent is running at ${found.socket.path} (${found.socket.from}) but refuses this user (${found.detail}). ` +
        'Ask the operator why (the socket should accept every user and check what each caller owns), or run with --standalone for a private measurement kept apart from the host\'s figures.',
    );
  }
  if (found.state === 'answering' && !o.standalone) {
    const socketPath = found.socket.path;
    env.WATTPRINT_SOCKET = socketPath;
    const run = await runChild(o.command, env, async (pid) => {
      const r = await localRequest(socketPath, 'POST', '/v1/jobs/register', { jobId: o.jobId, pid, labels: o.labels });
      if (r.code !== 200) o.log(`wattprint measure: the agent refused the registration: ${JSON.stringify(r.body)}`);
    });
    const durationSeconds = (Date.now() - started) / 1000;
    await localRequest(socketPath, 'POST', '/v1/jobs/end', { jobId: o.jobId }).catch(() => undefined);
    let report: JobReport | undefined;
    // The agent of `wattprint start` names its API next to its socket: the report comes from there.
    const apiUrl = o.apiUrl ?? startApiUrl(found.socket.path);
    if (apiUrl) {
      // The agent's last interval for the job has to reach the collector first.
      await new Promise((r) => setTimeout(r, 2 * o.intervalMs + 500));
      const res = await fetch(`${apiUrl.replace(/\/$/, '')}/v1/jobs/${encodeURIComponent(o.jobId)}`, { headers: o.apiToken ? { authorization: `Bearer ${o.apiToken}` } : {} }).catch((err) => {
        o.log(`wattprint measure: cannot reach ${apiUrl}: ${err.message}`);
        return undefined;
      });
      if (res?.ok) report = (await res.json()) as JobReport;
      else if (res) o.log(`wattprint measure: ${apiUrl} answered ${res.status} for job ${o.jobId}`);
    }
    return { exitCode: run.code, signal: run.signal, report, mode: 'agent', durationSeconds };
  }

  // No agent: run one here, with a collector on the embedded store. Where
  // another agent is present (--standalone), the store is a private one for
  // this run: a private agent never writes into a store another agent feeds.
  fs.mkdirSync(o.stateDir, { recursive: true });
  const quiet = (m: string) => {
    if (/error|fail|cannot|refused/i.test(m)) o.log(m);
  };
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-measure-'));
  const dbPath = found.state === 'absent' ? path.join(o.stateDir, 'wattprint.db') : path.join(spoolDir, 'standalone.db');
  if (found.state !== 'absent') o.log(`wattprint measure: --standalone: a private agent, kept apart from the agent at ${found.socket.path}; this run's figures are printed, not stored with the host's`);
  const collector = await startCollector(
    { grpcAddress: '127.0.0.1:0', httpHost: '127.0.0.1', httpPort: 0, dbPath, plaintext: true, ...(o.zone ? { zone: o.zone } : {}), ...(o.carbon !== undefined ? { carbon: o.carbon } : {}) },
    quiet,
  );
  // The in-process agent serves progress reports on a socket of its own.
  const socketPath = path.join(spoolDir, 'agent.sock');
  env.WATTPRINT_SOCKET = socketPath;
  const agent = await startAgent(
    loadAgentConfig(o.agentConfig, { collectors: [`127.0.0.1:${collector.grpcPort}`], plaintext: true, spoolDir: path.join(spoolDir, 'spool'), socketPath, sysfsRoot: o.sysfsRoot, procfsRoot: o.procfsRoot, intervalMs: o.intervalMs }),
    { log: quiet },
  );
  try {
    const run = await runChild(o.command, env, async (pid) => {
      try {
        agent.registry.register(o.jobId, pid, o.labels);
      } catch (err) {
        o.log(`wattprint measure: cannot register pid ${pid}: ${(err as Error).message}`);
      }
    });
    const durationSeconds = (Date.now() - started) / 1000;
    await agent.tick(); // close the last interval now
    const deadline = Date.now() + 15_000;
    while (agent.spool.stats().pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (agent.spool.stats().pending > 0) o.log('wattprint measure: the last reports were not stored in time; the report may be short');
    // Acked reports have had their carbon queued: wait for it to be written.
    await collector.carbon.idle();
    const totals = await collector.store.jobTotals(o.jobId);
    const report = totals ? jobReport(totals, await collector.carbonFor(totals)) : undefined;
    return { exitCode: run.code, signal: run.signal, report, mode: 'in-process', durationSeconds };
  } finally {
    await agent.stop();
    await collector.stop();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  }
}

// CodeCarbon's emissions.csv moved to codecarbon.ts (software energy_consumed, wall in a sidecar).
export { CODECARBON_COLUMNS } from './codecarbon.ts';
