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
    pue: 1,
    labels: {},
    jobEnvVars: [],
    jobCgroupPatterns: [],
    socketPath: '/run/wattprint/agent.sock',
    nvmlLibPath: 'libnvidia-ml.so.1',
    nvidiaSmiPath: 'nvidia-smi',
    meters: [],
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
  const rapl = new RaplSource(cfg.sysfsRoot);
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

export interface RunningAgent {
  spool: Spool;
  uplink: Uplink;
  registry: JobRegistry;
  endpoint: LocalEndpoint | undefined;
  stop(): Promise<void>;
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
  const sampler = new Sampler({ host: cfg.host, bootId: readBootId(cfg.procfsRoot), scanner, sources, drainProgress: registry.drainProgress });
  const spool = new Spool({ dir: cfg.spoolDir, maxBytes: cfg.spoolMaxBytes, maxAgeMs: cfg.spoolMaxAgeMs, log });
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
  const hello = (): Hello => ({ host: cfg.host, agentVersion: AGENT_VERSION, resumeSeq: spool.firstPendingSeq, inventory });
  const uplink = new Uplink({ addresses: cfg.collectors, spool, hello, tls: cfg.tls, plaintext: cfg.plaintext, log });

  let busy = false;
  const tick = async () => {
    if (busy) return; // a slow source must not pile up intervals
    busy = true;
    try {
      const seq = spool.nextSeq;
      const report = await sampler.sample(seq);
      if (report) spool.append((s) => encodeReport({ ...report, seq: s }));
    } catch (err) {
      log(`agent: sampling failed: ${(err as Error).stack ?? err}`);
    } finally {
      busy = false;
    }
  };
  await tick(); // baselines
  uplink.start();
  const timer = setInterval(() => void tick(), cfg.intervalMs);
  const status = () => ({ host: cfg.host, version: AGENT_VERSION, sources: probes, spool: spool.stats(), uplink: uplink.stats, registrations: registry.size });
  let endpoint: LocalEndpoint | undefined;
  if (cfg.socketPath) {
    try {
      endpoint = await startLocalEndpoint(cfg.socketPath, registry, status);
    } catch (err) {
      log(`agent: local endpoint ${cfg.socketPath} unavailable (${(err as Error).message}); registrations only through env and cgroups`);
    }
  }
  return {
    spool,
    uplink,
    registry,
    endpoint,
    tick,
    async stop() {
      clearInterval(timer);
      await endpoint?.close();
      uplink.stop();
      spool.close();
      scanner.close();
      for (const s of sources) await s.close?.();
    },
  };
}
