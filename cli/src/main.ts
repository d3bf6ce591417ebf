#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
// wattprint: one command, a verb per role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { redact, reportToJson } from '@wattprint/proto';
import { loadAgentConfig, startAgent, chooseSources } from '@wattprint/agent/agent.ts';
import { ProcScanner } from '@wattprint/agent/procfs/scanner.ts';
import { Sampler } from '@wattprint/agent/sampler/sampler.ts';
import { isZoneKey, resolveZone } from '@wattprint/collector/carbon/zones.ts';
import { listenSocket, socketCandidates, userSocket } from '@wattprint/agent/local/discovery.ts';
import { VERSION } from './version.ts';
import { createLogger, daemonLog, LOG_LEVELS, type LogLevel } from './log.ts';

const USAGE = `Usage: wattprint <command> [options]

Commands:
  start        all-in-one local stack: collector (embedded store), agent, HTTP API
  agent        run the agent (sources -> spool -> gRPC uplink)
  collector    run a collector (gRPC ingest -> attribution -> store -> HTTP API)
  measure      run a command as a measured job: wattprint measure [--job ID] [--label k=v]... -- CMD ARGS
  report       energy and carbon of jobs, grouped by labels, with fits and phase comparisons
  registrations  list or remove process registrations (host + pid -> job)
  probe        list the measurement sources found on this host, and the missing ones
  sample       print wire Reports as JSON, one per interval
  dead-letters list the points InfluxDB refused for good, or --replay them

Run "wattprint <command> --help" for a command's options; "wattprint --version" for the version.
Exit codes: 0 ok, 1 runtime error, 2 usage error; measure passes on its command's
exit code, and 126/127 when the command cannot be run or is not found.`;

export class UsageError extends Error {}

/** An error with the exit code it calls for (126/127: the measured command cannot run). */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Help and version on every command, before any other option is checked. */
function helpOrVersion(args: string[], help: string): void {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(help);
    process.exit(0);
  }
  if (args.includes('--version') || args.includes('-V')) {
    console.log(`wattprint ${VERSION}`);
    process.exit(0);
  }
}

function parse(args: string[], options: ParseArgsConfig['options'], help: string) {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } }, allowPositionals: false, strict: true });
    helpOrVersion(r.values.help ? ['--help'] : r.values.version ? ['--version'] : [], help);
    return r.values as Record<string, string | boolean | string[] | undefined>;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${help}`);
  }
}

function num(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}], got "${v}"`);
  return n;
}

function stateDir(): string {
  return process.env.WATTPRINT_STATE_DIR ?? path.join(os.homedir(), '.wattprint');
}

const LOG_OPTIONS = { 'log-level': { type: 'string' } } as const;
const LOG_HELP = `  --log-level LEVEL     ${LOG_LEVELS.join(', ')} (default: info, or $WATTPRINT_LOG_LEVEL); logs go to
                        stderr as JSON lines under systemd or when stderr is not a terminal, readable on one`;

/** The daemon's logger and the `(message) => void` its modules log through. */
function daemonLogger(v: Record<string, unknown>) {
  const level = ((v['log-level'] as string | undefined) ?? process.env.WATTPRINT_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const logger = createLogger(level);
  return { logger, ...daemonLog(logger) };
}

const CARBON_OPTIONS = { zone: { type: 'string' }, 'carbon-config': { type: 'string' } } as const;

// The collector (fastify, the stores, carbon data) loads only in the commands
// that run one: `wattprint agent` stays small (docs/BENCHMARKS.md, agent RSS).
const collectorModule = () => import('@wattprint/collector/collector.ts');

/** --zone and --carbon-config as collector settings. */
async function carbonOptions(v: Record<string, unknown>): Promise<{ zone?: string; carbon?: unknown }> {
  const zone = v.zone as string | undefined;
  if (zone !== undefined && !isZoneKey(zone)) throw new UsageError(`--zone "${zone}" is not a zone key (like DE, SE-SE3, US-CAL-CISO)`);
  return { ...(zone ? { zone } : {}), ...(v['carbon-config'] ? { carbon: (await collectorModule()).loadCarbonConfig(v['carbon-config'] as string) } : {}) };
}

const commands: Record<string, (args: string[]) => Promise<number | void>> = {
  async start(args) {
    const help = `Usage: wattprint start [--port 8080] [--grpc-port 7419] [--state-dir DIR] [--sysfs-root /sys] [--procfs-root /proc] [--interval-ms 1000]
                       [--socket PATH] [--zone ZONE] [--carbon-config FILE]

  --port PORT           HTTP API and web page on 127.0.0.1 (default: 8080)
  --grpc-port PORT      the local collector's gRPC ingest on 127.0.0.1 (default: 7419)
  --state-dir DIR       store, spool and agent socket (default: $WATTPRINT_STATE_DIR or ~/.wattprint)
  --interval-ms MS      sampling interval, 100..3600000 (default: 1000)
  --sysfs-root, --procfs-root  roots of /sys and /proc (for tests and containers)
  --socket PATH         the agent's local socket (default: $WATTPRINT_SOCKET, else STATE_DIR/agent.sock,
                        where "wattprint measure" finds it)
  --zone ZONE           grid zone of this machine (Electricity Maps key: DE, FR, US-CAL-CISO...); world average if none
  --carbon-config FILE  carbon section as JSON (providers, PUE, restatement; docs/CARBON.md)
${LOG_HELP}`;
    const v = parse(args, { port: { type: 'string' }, 'grpc-port': { type: 'string' }, 'state-dir': { type: 'string' }, 'sysfs-root': { type: 'string' }, 'procfs-root': { type: 'string' }, 'interval-ms': { type: 'string' }, socket: { type: 'string' }, ...CARBON_OPTIONS, ...LOG_OPTIONS }, help);
    const { log } = daemonLogger(v);
    const dir = privateStateDir((v['state-dir'] as string) ?? stateDir());
    const httpPort = num(v.port, 'port', 0, 65535) ?? 8080;
    const grpcPort = num(v['grpc-port'], 'grpc-port', 0, 65535) ?? 7419;
    const { startCollector } = await collectorModule();
    const collector = await startCollector({ grpcAddress: `127.0.0.1:${grpcPort}`, httpHost: '127.0.0.1', httpPort, dbPath: path.join(dir, 'wattprint.db'), plaintext: true, ...(await carbonOptions(v)) }, log);
    const agent = await startAgent(
      loadAgentConfig(undefined, {
        collectors: [`127.0.0.1:${collector.grpcPort}`],
        plaintext: true,
        spoolDir: path.join(dir, 'spool'),
        socketPath: listenSocket({ flag: v.socket as string | undefined, env: process.env, fallback: userSocket(dir) }),
        sysfsRoot: v['sysfs-root'] as string | undefined,
        procfsRoot: v['procfs-root'] as string | undefined,
        intervalMs: num(v['interval-ms'], 'interval-ms', 100, 3_600_000),
      }),
      { log },
    ).catch(async (err) => {
      await collector.stop(); // release the ports before reporting
      throw err;
    });
    console.log(`wattprint: collector on grpc 127.0.0.1:${collector.grpcPort}, store ${path.join(dir, 'wattprint.db')}`);
    console.log(`wattprint: open http://127.0.0.1:${collector.httpPort}/ for live power and jobs (API under /v1/)`);
    // Next to the agent's socket: where "wattprint measure", finding that socket, asks for the job's report.
    const apiFile = path.join(dir, API_FILE);
    fs.writeFileSync(apiFile, `http://127.0.0.1:${collector.httpPort}\n`, { mode: 0o600 });
    // Machine-readable line for supervisors and tests.
    console.log(JSON.stringify({ event: 'listening', grpcPort: collector.grpcPort, httpPort: collector.httpPort }));
    await untilSignal();
    fs.rmSync(apiFile, { force: true });
    await agent.stop();
    await collector.stop();
  },

  async agent(args) {
    const help = `Usage: wattprint agent [--config FILE] [--collector HOST:PORT]... [--plaintext] [--host NAME] [--spool-dir DIR]
                       [--socket PATH] [--sysfs-root /sys] [--procfs-root /proc] [--interval-ms 1000]

  --config, -c FILE     agent config as JSON (docs/DEPLOY.md); the options below override it
  --collector HOST:PORT a collector to send to; repeatable
  --plaintext           no TLS (loopback and trusted networks only)
  --host NAME           the host name reported (default: the hostname)
  --spool-dir DIR       where reports wait until a collector acknowledges them
  --socket PATH         local endpoint for job registration and progress ("" disables it)
  --interval-ms MS      sampling interval, 100..3600000 (default: 1000)
  --sysfs-root, --procfs-root  roots of /sys and /proc (for tests and containers)
${LOG_HELP}`;
    const v = parse(args, { socket: { type: 'string' }, config: { type: 'string', short: 'c' }, collector: { type: 'string', multiple: true }, plaintext: { type: 'boolean' }, host: { type: 'string' }, 'spool-dir': { type: 'string' }, 'sysfs-root': { type: 'string' }, 'procfs-root': { type: 'string' }, 'interval-ms': { type: 'string' }, ...LOG_OPTIONS }, help);
    const { logger, log } = daemonLogger(v);
    const cfg = loadAgentConfig(v.config as string | undefined, {
      collectors: v.collector as string[] | undefined,
      plaintext: v.plaintext as boolean | undefined,
      host: v.host as string | undefined,
      spoolDir: v['spool-dir'] as string | undefined,
      // --socket, then WATTPRINT_SOCKET, then the config's socketPath or the system socket.
      socketPath: (v.socket as string | undefined) ?? (process.env.WATTPRINT_SOCKET || undefined),
      sysfsRoot: v['sysfs-root'] as string | undefined,
      procfsRoot: v['procfs-root'] as string | undefined,
      intervalMs: num(v['interval-ms'], 'interval-ms', 100, 3_600_000),
    });
    const agent = await startAgent(cfg, { log });
    logger.info({ component: 'agent', host: cfg.host, collectors: cfg.collectors }, `host ${cfg.host}, sending to ${cfg.collectors.join(', ')}`);
    await untilSignal();
    await agent.stop();
  },

  async collector(args) {
    // Loaded here, not at the top: the agent command stays free of collector modules.
    const { INFLUX_HELP, INFLUX_OPTIONS, InfluxOptionError, influxConfig } = await import('./influx-options.ts');
    const help = `Usage: wattprint collector [--grpc HOST:PORT] [--http-host H] [--http-port P] [--plaintext | --tls-ca F --tls-cert F --tls-key F]
                           [--db FILE | --influx URL [--influx-password-file FILE] [--influx-* ...]]
                           [--zone ZONE] [--carbon-config FILE] [--alerts-config FILE]
                           [--tokens FILE] [--idle-policy share|unattributed] [--baselines FILE]
                           [--plaintext-bind HOST:PORT] [--allow-host NAME]...

  --plaintext           gRPC without TLS, on loopback only (127.0.0.1:7419 unless --grpc names another loopback address)
  --plaintext-bind A    gRPC without TLS on a non-loopback address A (trusted networks only; logs a warning)
  --allow-host NAME     a Host header name the API answers without tokens (besides loopback and --http-host)

  --db FILE             the embedded SQLite store, for one machine (default $WATTPRINT_STATE_DIR/collector.db)
${INFLUX_HELP}

  --tokens FILE         bearer tokens with scopes (read, jobs:write, admin) as JSON; without it the API is open
  --idle-policy P       idle CPU power: "share" among the jobs that ran (default) or "unattributed"
  --baselines FILE      idle power per host and domain/device, JSON {"host": {"package/package-0": 42}}
  --zone ZONE           grid zone for hosts whose agent names none (Electricity Maps key: DE, FR, US-CAL-CISO...)
  --carbon-config FILE  carbon section as JSON (providers, PUE, restatement; docs/CARBON.md);
                        default: the embedded static yearly dataset, no network
  --alerts-config FILE  alert rules and notifiers as JSON (docs/ALERTS.md); default: no alerts
  --metrics-job-retention S  a finished job's series leave /metrics S seconds after its last interval (default 900)
${LOG_HELP}`;
    const v = parse(args, { grpc: { type: 'string' }, 'http-host': { type: 'string' }, 'http-port': { type: 'string' }, db: { type: 'string' }, plaintext: { type: 'boolean' }, 'tls-ca': { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'alerts-config': { type: 'string' }, tokens: { type: 'string' }, 'idle-policy': { type: 'string' }, baselines: { type: 'string' }, 'plaintext-bind': { type: 'string' }, 'allow-host': { type: 'string', multiple: true }, ...CARBON_OPTIONS, 'metrics-job-retention': { type: 'string' }, ...INFLUX_OPTIONS, ...LOG_OPTIONS }, help);
    const { log } = daemonLogger(v);
    let influx;
    try {
      influx = influxConfig(v);
    } catch (err) {
      if (err instanceof InfluxOptionError) throw new UsageError(err.message);
      throw err;
    }
    const idle = v['idle-policy'] as string | undefined;
    if (idle !== undefined && idle !== 'share' && idle !== 'unattributed') throw new UsageError(`--idle-policy must be "share" or "unattributed", got "${idle}"`);
    const tlsParts = [v['tls-ca'], v['tls-cert'], v['tls-key']];
    if (tlsParts.some(Boolean) && !tlsParts.every(Boolean)) throw new UsageError('--tls-ca, --tls-cert and --tls-key go together');
    const { startCollector } = await collectorModule();
    const { loadAlertConfig } = await import('@wattprint/collector/alerts/rules.ts');
    // Plaintext stays on loopback unless an operator names another address on purpose.
    const plaintextBind = v['plaintext-bind'] as string | undefined;
    if (plaintextBind && (v.grpc || tlsParts.some(Boolean))) throw new UsageError('--plaintext-bind names the plaintext gRPC address: give it instead of --grpc, and without TLS files');
    const plaintext = Boolean(v.plaintext) || plaintextBind !== undefined;
    const grpcAddress = plaintextBind ?? (v.grpc as string) ?? (plaintext ? '127.0.0.1:7419' : '0.0.0.0:7419');
    if (plaintext && !plaintextBind && !isLoopbackAddress(grpcAddress)) throw new UsageError(`--plaintext binds loopback only; "${grpcAddress}" is not: use TLS, or --plaintext-bind ${grpcAddress} for a trusted network`);
    if (plaintextBind && !isLoopbackAddress(plaintextBind)) log(`collector: WARNING: gRPC without TLS on ${plaintextBind}: anyone who reaches it can send reports for any host`);
    const c = await startCollector({
      grpcAddress,
      httpHost: (v['http-host'] as string) ?? '127.0.0.1',
      httpPort: num(v['http-port'], 'http-port', 0, 65535) ?? 8080,
      dbPath: (v.db as string) ?? path.join(stateDir(), 'collector.db'),
      plaintext,
      allowedHosts: v['allow-host'] as string[] | undefined,
      tls: tlsParts.every(Boolean) ? { ca: v['tls-ca'] as string, cert: v['tls-cert'] as string, key: v['tls-key'] as string } : undefined,
      ...(await carbonOptions(v)),
      alerts: v['alerts-config'] ? loadAlertConfig(v['alerts-config'] as string) : undefined,
      tokensFile: v.tokens as string | undefined,
      idlePolicy: idle as 'share' | 'unattributed' | undefined,
      baselines: v.baselines ? await loadBaselines(v.baselines as string) : undefined,
      metricsJobRetentionS: num(v['metrics-job-retention'], 'metrics-job-retention', 1, 30 * 86400),
      influx,
    }, log);
    // Machine-readable line for supervisors and tests.
    console.log(JSON.stringify({ event: 'listening', grpcPort: c.grpcPort, httpPort: c.httpPort }));
    await untilSignal();
    await c.stop();
  },

  async measure(args) {
    const help = `Usage: wattprint measure [--job ID] [--label k=v]... [--emissions-csv FILE] [--project NAME]
                         [--socket PATH] [--standalone] [--api URL] [--json] [--zone ZONE] [--carbon-config FILE]
                         [--state-dir DIR] [--interval-ms 1000] [--sysfs-root /sys] [--procfs-root /proc]
                         [--agent-config FILE] -- CMD ARGS

Runs CMD as a measured job and prints its energy and carbon when it ends. CMD's
exit code and signals pass through; 127 if CMD is not found, 126 if it cannot run.
The agent's socket is --socket, else $WATTPRINT_SOCKET, else
/run/wattprint/agent.sock, else STATE_DIR/agent.sock (where "wattprint start"
listens). With an agent there, CMD is registered with it; with one there that
refuses this user, measure says so and exits 1, unless --standalone asks for a
private agent (its figures kept apart). With none, an agent and the embedded
store run in-process, with the wall meters (and zone, PUE, labels) of
--agent-config when given.

  --job ID              job id (default: measure-<time>-<random>)
  --label k=v           a label of the job (task, dataset, model, phase...); repeatable
  --emissions-csv FILE  append a CodeCarbon-compatible row to FILE
  --project NAME        project_name in that row (default: wattprint)
  --socket PATH         the local agent's socket (see above)
  --standalone          a private in-process agent even where a host agent runs
  --api URL             the collector's API that answers the report in agent mode ($WATTPRINT_API)
  --json                print the report as JSON instead of a table
  --zone, --carbon-config  grid zone and carbon section of the in-process collector
  --state-dir DIR       in-process store folder (default: $WATTPRINT_STATE_DIR or ~/.wattprint)
  --interval-ms MS      in-process sampling interval, 100..60000 (default: 1000)
  --sysfs-root, --procfs-root  roots of /sys and /proc (for tests and containers)
  --agent-config FILE   an agent config whose wall meters, zone, PUE and labels the in-process agent uses`;
    const dash = args.indexOf('--');
    helpOrVersion(dash < 0 ? args : args.slice(0, dash), help);
    if (dash < 0 || dash === args.length - 1) throw new UsageError(`give the command after "--"\n\n${help}`);
    const v = parse(args.slice(0, dash), { job: { type: 'string' }, label: { type: 'string', multiple: true }, 'emissions-csv': { type: 'string' }, project: { type: 'string' }, socket: { type: 'string' }, standalone: { type: 'boolean' }, api: { type: 'string' }, json: { type: 'boolean' }, 'state-dir': { type: 'string' }, 'sysfs-root': { type: 'string' }, 'procfs-root': { type: 'string' }, 'interval-ms': { type: 'string' }, 'agent-config': { type: 'string' }, ...CARBON_OPTIONS }, help);
    const labels: Record<string, string> = {};
    for (const l of (v.label as string[] | undefined) ?? []) {
      const m = l.match(/^([A-Za-z_][A-Za-z0-9_.-]{0,63})=(.{0,256})$/);
      if (!m) throw new UsageError(`--label must be name=value, got "${l}"`);
      labels[m[1]!] = m[2]!;
    }
    const { measure, newJobId } = await import('./measure.ts');
    const { appendCodecarbon, codecarbonRecord, hostFacts, jobFacts } = await import('./codecarbon.ts');
    const { renderJobReport } = await import('./format.ts');
    const jobId = (v.job as string) ?? newJobId();
    if (!/^[A-Za-z0-9][A-Za-z0-9._:@\/-]{0,127}$/.test(jobId)) throw new UsageError(`--job "${jobId}": letters, digits and ._:@/- only, at most 128`);
    const result = await measure({
      jobId,
      labels,
      command: args.slice(dash + 1),
      stateDir: privateStateDir((v['state-dir'] as string) ?? stateDir(), false),
      sockets: socketCandidates({ flag: v.socket as string | undefined, env: process.env, stateDir: (v['state-dir'] as string) ?? stateDir() }),
      standalone: Boolean(v.standalone),
      apiUrl: (v.api as string) ?? process.env.WATTPRINT_API,
      apiToken: process.env.WATTPRINT_TOKEN,
      sysfsRoot: v['sysfs-root'] as string | undefined,
      procfsRoot: v['procfs-root'] as string | undefined,
      intervalMs: num(v['interval-ms'], 'interval-ms', 100, 60_000) ?? 1000,
      ...(v['agent-config'] ? { agentConfig: v['agent-config'] as string } : {}),
      ...(await carbonOptions(v)),
      log: (m) => console.error(m),
    });
    if (result.report) {
      if (v.json) console.error(JSON.stringify(result.report, null, 2));
      else console.error('\n' + renderJobReport(result.report));
      if (v['emissions-csv']) {
        // The in-process store knows the agent's inventory (CPU, GPUs, cloud) for CodeCarbon's columns.
        const db = path.join((v['state-dir'] as string) ?? stateDir(), 'wattprint.db');
        let facts: ReturnType<typeof hostFacts> = new Map();
        if (result.mode === 'in-process' && fs.existsSync(db)) {
          const { SqliteStore } = await import('@wattprint/collector/storage/sqlite.ts');
          const store = new SqliteStore(db);
          facts = hostFacts(await store.listHosts());
          await store.close();
        }
        appendCodecarbon(v['emissions-csv'] as string, [codecarbonRecord(result.report, { project: (v.project as string) ?? 'wattprint', host: jobFacts(result.report, facts) })]);
      }
    } else {
      console.error(`\nwattprint: job ${jobId} ran ${result.durationSeconds.toFixed(1)} s; ${result.mode === 'agent' ? 'its report is with the collector: wattprint report --job ' + jobId + ' --api URL' : 'no energy was recorded for it'}`);
    }
    if (result.signal) {
      process.kill(process.pid, result.signal); // die the way the command died
      return 128 + (os.constants.signals[result.signal] ?? 0);
    }
    return result.exitCode ?? 1;
  },

  report: async (args) => (await import('./report.ts')).runReport(args, stateDir()),

  async registrations(args) {
    try {
      return await (await import('./registrations.ts')).runRegistrations(args);
    } catch (err) {
      if (err instanceof (await import('./registrations.ts')).RegistrationsUsageError) throw new UsageError(err.message);
      throw err;
    }
  },
  'dead-letters': async (args) => (await import('./dead-letters.ts')).runDeadLetters(args, (m) => new UsageError(m)),

  async probe(args) {
    const help = `Usage: wattprint probe [--json] [--sysfs-root /sys] [--procfs-root /proc] [--config AGENT_CONFIG]

Lists the measurement sources, and the grid zone this host's energy is counted in:
the agent config's "zone", else its cloud region's zone, else the collector's --zone.`;
    const v = parse(args, { json: { type: 'boolean' }, 'sysfs-root': { type: 'string' }, 'procfs-root': { type: 'string' }, config: { type: 'string', short: 'c' } }, help);
    const { probes } = await chooseSources({ sysfsRoot: (v['sysfs-root'] as string) ?? '/sys', procfsRoot: (v['procfs-root'] as string) ?? '/proc' });
    const zone = probeZone(v.config as string | undefined);
    if (v.json) {
      console.log(JSON.stringify({ sources: probes, zone }, null, 2));
      return;
    }
    const rows = probes.map((p) => [p.source, p.found ? (p.estimate ? 'estimate' : 'found') : 'not found', p.devices.join(' ') || '-', p.reason, p.fix ?? '']);
    rows.push(['grid zone', zone.source, zone.zone ?? '-', zone.detail, zone.fix ?? '']);
    printTable(['source', 'status', 'devices', 'detail', 'fix'], rows);
  },

  async sample(args) {
    const help = `Usage: wattprint sample [--count N] [--interval-ms 1000] [--json] [--sysfs-root /sys] [--procfs-root /proc]

  --count N          intervals to print (default: 1)
  --interval-ms MS   interval length, 50..3600000 (default: 1000); --interval S is its deprecated form in seconds
  --json             one wire Report as JSON per line`;
    const v = parse(args, { count: { type: 'string' }, 'interval-ms': { type: 'string' }, interval: { type: 'string' }, json: { type: 'boolean' }, 'sysfs-root': { type: 'string' }, 'procfs-root': { type: 'string' } }, help);
    const count = num(v.count, 'count', 1, 1e9) ?? 1;
    if (v.interval !== undefined && v['interval-ms'] !== undefined) throw new UsageError('give --interval-ms only (--interval is its deprecated form in seconds)');
    if (v.interval !== undefined) console.error('wattprint sample: --interval (seconds) is deprecated; use --interval-ms (milliseconds) like the other commands');
    const intervalS = v.interval !== undefined ? num(v.interval, 'interval', 0.05, 3600)! : (num(v['interval-ms'], 'interval-ms', 50, 3_600_000) ?? 1000) / 1000;
    const cfg = { sysfsRoot: (v['sysfs-root'] as string) ?? '/sys', procfsRoot: (v['procfs-root'] as string) ?? '/proc' };
    const { sources } = await chooseSources(cfg);
    const sampler = new Sampler({ host: os.hostname(), bootId: '', scanner: new ProcScanner({ procfsRoot: cfg.procfsRoot }), sources });
    await sampler.sample(0);
    for (let i = 1; i <= count; i++) {
      await new Promise((r) => setTimeout(r, intervalS * 1000));
      const report = await sampler.sample(i);
      if (!report) continue;
      if (v.json) console.log(JSON.stringify(reportToJson(report)));
      else {
        const watts = (report.energy ?? []).map((e) => `${e.device}=${((e.joules ?? 0) / intervalS).toFixed(1)}W`).join(' ');
        console.log(`#${i} ${watts} processes=${report.processes?.length ?? 0}`);
      }
    }
  },
};

/** Which zone applies to this host and from where: agent config > cloud region > the collector's default. */
export function probeZone(configFile: string | undefined): { zone: string | undefined; source: string; detail: string; fix?: string } {
  // Only the zone is read here: transport settings do not matter to a probe.
  const cfg = configFile ? loadAgentConfig(configFile, { plaintext: true }) : undefined;
  const z = resolveZone({ gridZone: cfg?.zone ?? '', gridZoneSource: cfg?.zone ? 'config' : 'collector' }, '');
  if (z.source === 'config') return { zone: z.zone, source: 'agent config', detail: `"zone" in ${configFile}` };
  if (z.source === 'cloud') return { zone: z.zone, source: 'cloud region', detail: 'from the cloud region table' };
  const bad = z.problems.filter((p) => !p.startsWith('no grid zone'));
  return {
    zone: undefined,
    source: 'collector default',
    detail: [...bad, "the collector's --zone applies; the world average if it has none"].join('; '),
    fix: 'set "zone" in the agent config (e.g. "DE") or --zone on the collector',
  };
}

/** {"host": {"domain/device": watts}}: every value a number >= 0 (JSON Schema, collector/src/config/baselines.ts). */
async function loadBaselines(file: string): Promise<Record<string, Record<string, number>>> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--baselines ${file}: ${(err as Error).message}`);
  }
  const { parseBaselines } = await import('@wattprint/collector/config/baselines.ts');
  try {
    return parseBaselines(raw, `--baselines ${file}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** 127.x.x.x, ::1 or localhost, with or without a port. */
export function isLoopbackAddress(addr: string): boolean {
  return /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]|::1)(?::\d+)?$/.test(addr);
}

/**
 * A state directory only its user can read (the store, the spool and the
 * socket hold who ran what): created 0700, and files in it 0600 via the umask.
 */
/** The file in the state directory naming the HTTP API of `wattprint start`. */
const API_FILE = 'api-url';

function privateStateDir(dir: string, filesToo = true): string {
  // Not for measure: its command inherits the umask, and the job's own files are none of ours.
  if (filesToo) process.umask(0o077);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode & 0o077) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch (err) {
      console.error(`wattprint: cannot make ${dir} private (mode ${mode.toString(8)}): ${(err as Error).message}`);
    }
  }
  return dir;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** collector.ts's BindError, known without loading the collector. */
const isBindError = (err: unknown): err is Error & { listener: 'grpc' | 'http' } => err instanceof Error && err.constructor.name === 'BindError';

/** The option that moves each listener, per command, for a busy-port message. */
const PORT_OPTIONS: Record<string, Record<'grpc' | 'http', string>> = {
  start: { grpc: 'move it with --grpc-port PORT', http: 'move it with --port PORT' },
  collector: { grpc: 'move it with --grpc HOST:PORT', http: 'move it with --http-port PORT' },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    (cmd ? console.log : console.error)(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    console.log(`wattprint ${VERSION}`);
    return 0;
  }
  const run = commands[cmd];
  if (!run) {
    console.error(`wattprint: unknown command "${cmd}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return (await run(rest)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`wattprint ${cmd}: ${err.message}`);
      return 2;
    }
    if (isBindError(err)) {
      console.error(`wattprint ${cmd}: ${err.message}; ${PORT_OPTIONS[cmd]?.[err.listener] ?? 'choose another port'}`);
      return 1;
    }
    if (err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === 'number') {
      console.error(redact(`wattprint ${cmd}: ${err.message}`));
      return (err as ExitError).exitCode;
    }
    console.error(redact(`wattprint ${cmd}: ${(err as Error).message}`));
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
