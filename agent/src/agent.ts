// The agent: sample every interval, spool durably, stream to collectors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hello, Inventory } from '@wattprint/proto';
import { ProcScanner } from './procfs/scanner.ts';
import { JobRegistry, startLocalEndpoint, type LocalEndpoint } from './local/endpoint.ts';
import { Sampler } from './sampler/sampler.ts';
import { Spool } from './spool/spool.ts';
import { Uplink, type TlsFiles } from './uplink/uplink.ts';
import { encodeReport } from '@wattprint/proto';
import { RaplSource } from './sources/rapl.ts';
import { CpuModelSource } from './sources/cpu-model.ts';
import type { EnergySource, ProbeResult } from './sources/source.ts';
import { createGpuSource } from './sources/gpu.ts';
import { createMeterSources, parseMeterConfigs, type MeterConfig } from './sources/meters/config.ts';
import type { GpuInfo } from './sources/nvml.ts';
import { readCheckpoint, resumeFrom, writeCheckpoint, type Positions } from './sampler/checkpoint.ts';
import { nowUs } from './sampler/sampler.ts';
import { agentInstanceId } from './instance.ts';
import { findAgent } from './local/discovery.ts';
import { checkHost, checkLabels, redactingLog } from '@wattprint/proto';

export const AGENT_VERSION = '0.1.0';

export interface AgentConfig {
  host: string;
  collectors: string[];
  plaintext: boolean;
  tls?: TlsFiles;
  intervalMs: number;
  sysfsRoot: string;
  procfsRoot: string;
  spoolDir: string;
  spoolMaxBytes: number;
  spoolMaxAgeMs: number;
  tdpWatts?: number;
  zone: string;
  /** The site's PUE; 0 (the default) leaves it to the collector's carbon config (per host, zone, cloud, default). */
  pue: number;
  labels: Record<string, string>;
  jobEnvVars: string[];
  jobCgroupPatterns: string[];
  /** Local endpoint for registrations and progress; empty disables it. */
  socketPath: string;
  /** NVML library to load; tests point it at a fake. */
  nvmlLibPath: string;
  nvidiaSmiPath: string;
  /** Wall and node meters (docs/sources/meters.md). */
  meters: MeterConfig[];
  /** On SIGTERM, how long the agent tries to deliver its final interval before exiting. */
  stopDrainMs: number;
  /** Put process command lines in reports; only with collectors on loopback (a local store). Default false. */
  collectCommands: boolean;
}

export function defaultAgentConfig(): AgentConfig {
  return {
    host: os.hostname(),
    collectors: ['127.0.0.1:7419'],
    plaintext: false,
    intervalMs: 1000,
    sysfsRoot: '/sys',
    procfsRoot: '/proc',
    spoolDir: '/var/lib/wattprint/spool',
    spoolMaxBytes: 256 * 1024 * 1024,
    spoolMaxAgeMs: 7 * 24 * 3600 * 1000,
    zone: '',
    pue: 0,
    labels: {},
    jobEnvVars: [],
    jobCgroupPatterns: [],
    socketPath: '/run/wattprint/agent.sock',
    nvmlLibPath: 'libnvidia-ml.so.1',
    nvidiaSmiPath: 'nvidia-smi',
    meters: [],
    stopDrainMs: 5000,
    collectCommands: false,
  };
}

/** Validates a parsed config file; every error names the offending key. */
export function parseAgentConfig(raw: unknown, where = 'agent config'): AgentConfig {
  const cfg = defaultAgentConfig();
  if (raw === undefined || raw === null) return cfg;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: expected an object`);
  const r = raw as Record<string, unknown>;
  const known = new Set(Object.keys(cfg).concat(['tls']));
  for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`${where}: unknown key "${k}"`);
  const str = (k: keyof AgentConfig) => {
    if (r[k] === undefined) return;
    if (typeof r[k] !== 'string' || r[k] === '') throw new Error(`${where}: "${k}" must be a non-empty string`);
    (cfg as unknown as Record<string, unknown>)[k] = r[k];
  };
  const num = (k: keyof AgentConfig, min: number, max: number) => {
    if (r[k] === undefined) return;
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${where}: "${k}" must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
    (cfg as unknown as Record<string, unknown>)[k] = v;
  };
  const strList = (k: keyof AgentConfig) => {
    if (r[k] === undefined) return;
    const v = r[k];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new Error(`${where}: "${k}" must be a list of non-empty strings`);
    (cfg as unknown as Record<string, unknown>)[k] = v;
  };
  for (const k of ['host', 'sysfsRoot', 'procfsRoot', 'spoolDir', 'nvmlLibPath', 'nvidiaSmiPath'] as const) str(k);
  if (r.meters !== undefined) cfg.meters = parseMeterConfigs(r.meters, where);
  if (r.collectCommands !== undefined) {
    if (typeof r.collectCommands !== 'boolean') throw new Error(`${where}: "collectCommands" must be true or false`);
    cfg.collectCommands = r.collectCommands;
  }
  if (r.socketPath !== undefined) {
    if (typeof r.socketPath !== 'string') throw new Error(`${where}: "socketPath" must be a string (empty disables the local endpoint)`);
    cfg.socketPath = r.socketPath;
  }
  if (r.zone !== undefined) {
    if (typeof r.zone !== 'string') throw new Error(`${where}: "zone" must be a string`);
    cfg.zone = r.zone;
  }
  strList('collectors');
  if (cfg.collectors.length === 0) throw new Error(`${where}: "collectors" needs at least one address`);
  strList('jobEnvVars');
  strList('jobCgroupPatterns');
  for (const p of cfg.jobCgroupPatterns) {
    try {
      new RegExp(p);
    } catch (err) {
      throw new Error(`${where}: "jobCgroupPatterns" holds an invalid pattern ${JSON.stringify(p)}: ${(err as Error).message}`);
    }
  }
  num('intervalMs', 100, 3_600_000);
  num('spoolMaxBytes', 1024 * 1024, 1e12);
  num('spoolMaxAgeMs', 60_000, 365 * 24 * 3600 * 1000);
  num('tdpWatts', 1, 5000);
  num('pue', 1, 5);
  num('stopDrainMs', 0, 60_000);
  if (r.plaintext !== undefined) {
    if (typeof r.plaintext !== 'boolean') throw new Error(`${where}: "plaintext" must be true or false`);
    cfg.plaintext = r.plaintext;
  }
  if (r.labels !== undefined) {
    if (typeof r.labels !== 'object' || r.labels === null || Object.values(r.labels).some((v) => typeof v !== 'string')) throw new Error(`${where}: "labels" must map strings to strings`);
    cfg.labels = r.labels as Record<string, string>;
  }
  if (r.tls !== undefined) {
    const t = r.tls as Record<string, unknown>;
    for (const k of ['ca', 'cert', 'key']) if (typeof t?.[k] !== 'string') throw new Error(`${where}: "tls.${k}" must be a file path`);
    cfg.tls = { ca: t.ca as string, cert: t.cert as string, key: t.key as string, serverName: typeof t.serverName === 'string' ? t.serverName : undefined };
  }
  if (!cfg.tls && !cfg.plaintext) throw new Error(`${where}: set "tls" (ca, cert, key) or, for loopback and trusted networks only, "plaintext": true`);
  // The collector refuses a Hello outside the shared limits: say so at start, not on every connect.
  const bad = checkHost(cfg.host, '"host"') ?? checkLabels(cfg.labels, '"labels"');
  if (bad) throw new Error(`${where}: ${bad.message}${r.host === undefined && bad.field === '"host"' ? ' (the machine\'s hostname; set "host")' : ''}`);
  return cfg;
}

export function loadAgentConfig(file: string | undefined, overrides: Partial<AgentConfig> = {}): AgentConfig {
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read agent config ${file}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(`agent config ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  return parseAgentConfig({ ...raw, ...stripUndefined(overrides) }, file ?? 'agent config');
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Picks the sources that work on this host; the CPU model stands in for missing RAPL. */
export async function chooseSources(cfg: Pick<AgentConfig, 'sysfsRoot' | 'procfsRoot' | 'tdpWatts'> & Partial<Pick<AgentConfig, 'nvmlLibPath' | 'nvidiaSmiPath' | 'meters'>>): Promise<{ sources: EnergySource[]; probes: ProbeResult[]; cpuModel: CpuModelSource; gpus: GpuInfo[] }> {
  const rapl = new RaplSource(cfg.sysfsRoot, cfg.procfsRoot);
  const cpuModel = new CpuModelSource({ procfsRoot: cfg.procfsRoot, tdpWatts: cfg.tdpWatts });
  const raplProbe = await rapl.probe();
  const sources: EnergySource[] = [];
  const probes: ProbeResult[] = [raplProbe];
  if (raplProbe.found) sources.push(rapl);
  else {
    sources.push(cpuModel);
    probes.push(await cpuModel.probe());
  }
  const gpu = await createGpuSource({ libPath: cfg.nvmlLibPath, nvidiaSmiPath: cfg.nvidiaSmiPath });
  probes.push(...gpu.probes);
  if (gpu.source) sources.push(gpu.source);
  for (const meter of createMeterSources(cfg.meters ?? [])) {
    probes.push(await meter.probe());
    sources.push(meter); // kept even when unreachable now: a meter that comes back is read again
  }
  return { sources, probes, cpuModel, gpus: gpu.gpus };
}

export function readBootId(procfsRoot: string): string {
  try {
    return fs.readFileSync(path.join(procfsRoot, 'sys', 'kernel', 'random', 'boot_id'), 'utf8').trim();
  } catch {
    return '';
  }
}

/** Longest downtime a restarted agent spans with one interval: under the collector's 3600 s interval bound. */
export const MAX_GAP_S = 3000;

export interface RunningAgent {
  /** "<boot id>/<agent id>": the one agent instance speaking for this host. */
  instanceId: string;
  spool: Spool;
  uplink: Uplink;
  registry: JobRegistry;
  endpoint: LocalEndpoint | undefined;
  /** Takes a final reading, spools it and tries to deliver it for up to drainMs (default cfg.stopDrainMs). */
  stop(o?: { drainMs?: number }): Promise<void>;
  /** Closes the current interval now (tests, shutdown). */
  tick(): Promise<void>;
}

export async function startAgent(cfg: AgentConfig, opts: { log?: (m: string) => void } = {}): Promise<RunningAgent> {
  const log = redactingLog(opts.log ?? ((m: string) => console.error(m)));
  const { sources, probes, cpuModel, gpus } = await chooseSources(cfg);
  for (const p of probes) log(`agent: source ${p.source}: ${p.found ? 'found' : 'not found'}: ${p.reason}${p.fix ? ` (fix: ${p.fix})` : ''}`);
  const registry = new JobRegistry(cfg.procfsRoot);
  // Command lines can hold secrets (tokens in arguments): they stay on this machine or are not read at all.
  const remote = cfg.collectors.filter((c) => !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$/.test(c));
  if (cfg.collectCommands && remote.length > 0) throw new Error(`agent config: "collectCommands" sends command lines only to a collector on this machine (loopback), not to ${remote.join(', ')}`);
  const scanner = new ProcScanner({
    procfsRoot: cfg.procfsRoot,
    collectCommands: cfg.collectCommands,
    registrations: registry.lookup,
    jobLabels: registry.labelsFor,
    rules: { envVars: cfg.jobEnvVars, cgroupPatterns: cfg.jobCgroupPatterns.map((p) => new RegExp(p)) },
  });
  registry.jobPids = (jobId) => scanner.jobPids(jobId);
  const bootId = readBootId(cfg.procfsRoot);
  const sampler = new Sampler({ host: cfg.host, bootId, scanner, sources, drainProgress: registry.drainProgress });
  const spool = new Spool({ dir: cfg.spoolDir, maxBytes: cfg.spoolMaxBytes, maxAgeMs: cfg.spoolMaxAgeMs, log });
  const instanceId = agentInstanceId(cfg.spoolDir, bootId);
  // Counters outlive the agent: on the same boot, continue from where they stood.
  const checkpointFile = path.join(cfg.spoolDir, 'checkpoint.json');
  const resume = resumeFrom(readCheckpoint(checkpointFile), bootId, spool.nextSeq, nowUs(), MAX_GAP_S);
  if (resume.positions) {
    sampler.restore(resume.positions);
    log(`agent: continuing the counters of this boot from ${new Date(resume.positions.endUs / 1000).toISOString()} (a ${resume.gapSeconds.toFixed(1)} s gap, counted and flagged gap_recovered)`);
  } else log(`agent: fresh counter baselines (${resume.reason})`);
  let lastPositions: Positions | undefined = resume.positions;
  const inventory: Inventory = {
    cpuModel: cpuModel.cpu.model,
    sockets: cpuModel.cpu.sockets,
    logicalCpus: cpuModel.cpu.logicalCpus,
    tdpWatts: cpuModel.tdp.tdpWatts,
    tdpSource: cpuModel.tdp.source,
    gpus: gpus.map((g) => ({ uuid: g.uuid, name: g.name, powerLimitWatts: g.powerLimitWatts, mig: g.mig })),
    meterKinds: [...new Set(cfg.meters.map((m) => m.kind))],
    gridZone: cfg.zone,
    gridZoneSource: cfg.zone ? 'config' : 'collector',
    pue: cfg.pue,
    labels: cfg.labels,
  };
  const hello = (): Hello => ({ host: cfg.host, agentVersion: AGENT_VERSION, resumeSeq: spool.firstPendingSeq, inventory, instanceId });
  const uplink = new Uplink({ addresses: cfg.collectors, spool, hello, tls: cfg.tls, plaintext: cfg.plaintext, log });

  let busy: Promise<void> | undefined;
  const sampleOnce = async () => {
    try {
      const seq = spool.nextSeq;
      const report = await sampler.sample(seq);
      const after = sampler.positions();
      if (after) {
        // Before the append, with both positions: a crash between the two is resolved by the spool's next seq.
        try {
          writeCheckpoint(checkpointFile, { version: 1, bootId, seq: report ? seq : seq - 1, before: report ? lastPositions : after, after });
        } catch (err) {
          log(`agent: cannot write ${checkpointFile} (${(err as Error).message}); a restart would lose the downtime's energy`);
        }
      }
      if (report) spool.append((s) => encodeReport({ ...report, seq: s }));
      lastPositions = after;
    } catch (err) {
      log(`agent: sampling failed: ${(err as Error).stack ?? err}`);
    }
  };
  const tick = async () => {
    if (busy) return busy; // a slow source must not pile up intervals
    busy = sampleOnce().finally(() => (busy = undefined));
    return busy;
  };
  await tick(); // baselines
  uplink.start();
  const timer = setInterval(() => void tick(), cfg.intervalMs);
  const status = () => ({ host: cfg.host, version: AGENT_VERSION, sources: probes, spool: spool.stats(), uplink: uplink.stats, registrations: registry.size });
  let endpoint: LocalEndpoint | undefined;
  const other = cfg.socketPath ? await findAgent([{ path: cfg.socketPath, from: 'socketPath' }]) : undefined;
  if (other && other.state !== 'absent') {
    // Never take over a live agent's socket: jobs registered there would go to the wrong agent.
    log(`agent: another agent already listens on ${cfg.socketPath} (${other.state}); this agent's local endpoint is off, and a collector refuses its reports for this host while that one reports (duplicate_agent)`);
  } else if (cfg.socketPath) {
    try {
      endpoint = await startLocalEndpoint(cfg.socketPath, registry, status);
    } catch (err) {
      log(`agent: local endpoint ${cfg.socketPath} unavailable (${(err as Error).message}); registrations only through env and cgroups`);
    }
  }
  return {
    instanceId,
    spool,
    uplink,
    registry,
    endpoint,
    tick,
    async stop(o: { drainMs?: number } = {}) {
      clearInterval(timer);
      // Close the current interval with a final reading, then try to deliver it, within a bound.
      await busy;
      await tick();
      const deadline = Date.now() + (o.drainMs ?? cfg.stopDrainMs);
      while (spool.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      if (spool.pending > 0) log(`agent: stopping with ${spool.pending} reports in the spool; they are sent when the agent starts again`);
      await endpoint?.close();
      uplink.stop();
      spool.close();
      scanner.close();
      for (const s of sources) await s.close?.();
    },
  };
}
