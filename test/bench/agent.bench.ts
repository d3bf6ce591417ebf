// What the agent costs on a busy GPU host (issue 3, item 7), against
// Prometheus node_exporter reading the same fixture sysfs and procfs with its
// rapl, cpu and processes collectors (issue 10), in the same run.
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/agent.bench.ts [--processes=1000] [--seconds-1hz=20] [--seconds-10hz=10] [--scale=100,1000,5000]
// Prints JSON lines:
//   agent_interval_cpu        in-process Sampler.sample, median CPU ms per interval
//                             (goal < 10 ms over 1,000 processes), against a bare
//                             read of every /proc/<pid>/stat in the same process;
//   agent_vs_node_exporter_*  the real agent (CLI, fake NVML with 8 GPUs, a real
//                             collector) and node_exporter scraped at the same
//                             rate, side by side: CPU per interval and peak RSS;
//   agent_scaling_<n>         sampler CPU per interval and node_exporter CPU per
//                             scrape at n processes;
//   agent_capped_heap_1hz     the agent at 1 Hz with V8's heap capped, against V8's defaults;
//   node_runtime_floor        peak RSS of an idle Node process (.js and .ts entry), the agent's floor.
// Fixture files are rewritten atomically once per interval (lib/host.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeReport, type Report } from '@wattprint/proto';
import { chooseSources } from '@wattprint/agent/agent.ts';
import { ProcScanner } from '@wattprint/agent/procfs/scanner.ts';
import { Sampler } from '@wattprint/agent/sampler/sampler.ts';
import { pathToFileURL } from 'node:url';
import { build } from '../../deploy/build.ts';
import { CLI, NODE, nodeProcess, REPO, sleep, startCollectorProcess, waitForLine } from '../helpers/processes.ts';
import { BenchHost, GPUS } from './lib/host.ts';
import { collectorSuccess, findNodeExporter, startNodeExporter, type NodeExporter } from './lib/node-exporter.ts';
import { cpuSeconds, peakRssBytes } from './lib/procinfo.ts';
import { median, percentile, sig } from './lib/stats.ts';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const PROCESSES = Number(arg('processes', '1000'));
const SECONDS_1HZ = Number(arg('seconds-1hz', '20'));
const SECONDS_10HZ = Number(arg('seconds-10hz', '10'));
const SCALE = arg('scale', '100,1000,5000').split(',').map(Number);
for (const [k, v] of Object.entries({ PROCESSES, SECONDS_1HZ, SECONDS_10HZ })) if (!(v > 0)) throw new Error(`${k}: expected a positive number, got ${v}`);
if (SCALE.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--scale: expected positive integers, got ${arg('scale', '')}`);

const MiB = 1024 * 1024;
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const progress = (m: string) => console.error(`agent.bench: ${m}`);

/** CPU milliseconds (user + system, all threads) this process spends in fn. */
async function cpuMsOf(fn: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** The agent's sampler in this process over the fixture host: CPU ms of each interval. */
async function samplerCostMs(host: BenchHost, intervals: number): Promise<{ cpuMs: number[]; processes: number; gpuProcesses: number; bytes: number }> {
  process.env.FAKE_NVML_SCENARIO = host.scenarioFile;
  const { sources } = await chooseSources({ sysfsRoot: host.rapl.root, procfsRoot: host.proc.root, nvmlLibPath: host.nvmlLib, nvidiaSmiPath: '/nonexistent/nvidia-smi' });
  const names = sources.map((s) => s.name).sort().join(',');
  if (names !== 'nvml,rapl') throw new Error(`fixture host: expected the rapl and nvml sources, got ${names}`);
  const sampler = new Sampler({ host: 'bench-host', bootId: '', scanner: new ProcScanner({ procfsRoot: host.proc.root }), sources });
  try {
    await sampler.sample(0); // baselines: every process described once
    const cpuMs: number[] = [];
    let last: Report | undefined;
    for (let i = 1; i <= intervals + 3; i++) {
      host.step(1);
      let report: Report | undefined;
      const ms = await cpuMsOf(async () => (report = await sampler.sample(i)));
      if (!report) throw new Error(`sampler returned no report for interval ${i}`);
      last = report;
      if (i > 3) cpuMs.push(ms); // the first intervals warm the JIT up
    }
    const r = last!;
    const gpuJoules = (r.energy ?? []).filter((e) => e.device?.startsWith('GPU-')).length;
    if (gpuJoules !== GPUS) throw new Error(`expected ${GPUS} GPU readings in the report, got ${gpuJoules}`);
    return { cpuMs, processes: r.processes?.length ?? 0, gpuProcesses: r.gpuProcesses?.length ?? 0, bytes: encodeReport(r).length };
  } finally {
    for (const s of sources) await s.close?.();
  }
}

/** The floor: list the procfs root and read every /proc/<pid>/stat, no parsing. */
function rawStatReadMs(root: string, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const start = process.cpuUsage();
    let bytes = 0;
    for (const name of fs.readdirSync(root)) if (/^\d+$/.test(name)) bytes += fs.readFileSync(path.join(root, name, 'stat'), 'utf8').length;
    const d = process.cpuUsage(start);
    if (bytes === 0) throw new Error(`${root}: no /proc/<pid>/stat read`);
    if (i >= 3) out.push((d.user + d.system) / 1000);
  }
  return out;
}

/** node_exporter's CPU ms per scrape, scraping back to back for `seconds`. */
async function nodeExporterPerScrapeMs(ne: NodeExporter, host: BenchHost, seconds: number): Promise<number> {
  for (let i = 0; i < 3; i++) await ne.scrape();
  const c0 = cpuSeconds(ne.pid);
  const end = Date.now() + seconds * 1000;
  let scrapes = 0;
  while (Date.now() < end) {
    if (scrapes % 10 === 0) host.step(0.1);
    await ne.scrape();
    scrapes++;
  }
  return ((cpuSeconds(ne.pid) - c0) * 1000) / scrapes;
}

async function acceptedReports(httpPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  const m = /^wattprint_ingest_reports_accepted(?:_total)?(?:\{[^}]*\})? (\d+)/m.exec(await res.text());
  return m ? Number(m[1]) : 0;
}

/** Moves the fixture host on once per interval until stopped. */
function stepEvery(host: BenchHost, intervalMs: number, each?: () => void): () => void {
  const timer = setInterval(() => {
    host.step(intervalMs / 1000);
    each?.();
  }, intervalMs);
  return () => clearInterval(timer);
}

interface Cost {
  cpuMsPerReading: number;
  cpuPercent: number;
  peakRssBytes: number;
  readings: number;
  seconds: number;
}

/**
 * The real agent (CLI) with a real collector for `seconds` at `rateHz`. CPU
 * is counted from after a warm-up (start-up and the first full scan are not
 * per-interval costs) and divided by the intervals the collector accepted
 * meanwhile; peak RSS is the whole life's. The spool stays on disk, fsync
 * and all, as deployed.
 */
async function agentCost(host: BenchHost, rateHz: number, seconds: number, nodeOptions = '', entry: string[] = [CLI], env: Record<string, string> = {}): Promise<Cost> {
  const intervalMs = 1000 / rateHz;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-bench-agent-'));
  const collector = await startCollectorProcess(path.join(dir, 'collector.db'));
  const config = path.join(dir, 'agent.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      host: 'bench-host',
      collectors: [`127.0.0.1:${collector.grpcPort}`],
      plaintext: true,
      intervalMs,
      sysfsRoot: host.rapl.root,
      procfsRoot: host.proc.root,
      spoolDir: path.join(dir, 'spool'),
      socketPath: '',
      nvmlLibPath: host.nvmlLib,
      nvidiaSmiPath: '/nonexistent/nvidia-smi',
    }),
  );
  const agent = nodeProcess([...entry, 'agent', '--config', config], { ...env, FAKE_NVML_SCENARIO: host.scenarioFile, NODE_OPTIONS: nodeOptions });
  const stop = stepEvery(host, intervalMs);
  try {
    await waitForLine(agent, /"component":"agent".*"msg":"host \S+, sending to /);
    if (!agent.output.some((l) => /source nvml: found/.test(l)) || !agent.output.some((l) => /source rapl: found/.test(l))) throw new Error(`the agent did not find the fixture's RAPL and NVML:\n${agent.output.join('\n')}`);
    await sleep(Math.max(3 * intervalMs, 2000));
    const pid = agent.child.pid!;
    const [c0, r0, t0] = [cpuSeconds(pid), await acceptedReports(collector.httpPort), Date.now()];
    await sleep(seconds * 1000);
    const [c1, r1, t1] = [cpuSeconds(pid), await acceptedReports(collector.httpPort), Date.now()];
    const readings = r1 - r0;
    // Reports reach the collector with a lag, and on a loaded machine the agent
    // skips ticks (intervals stay contiguous, just longer): only a trickle means it broke.
    const expected = (t1 - t0) / intervalMs;
    if (readings < Math.max(3, expected * 0.2)) throw new Error(`the collector accepted ${readings} reports in ${((t1 - t0) / 1000).toFixed(1)} s, expected about ${expected.toFixed(0)} at ${rateHz} Hz:\n${agent.output.slice(-10).join('\n')}`);
    return { cpuMsPerReading: ((c1 - c0) * 1000) / readings, cpuPercent: (100 * (c1 - c0)) / ((t1 - t0) / 1000), peakRssBytes: peakRssBytes(pid), readings, seconds: (t1 - t0) / 1000 };
  } finally {
    stop();
    await agent.stop();
    await collector.proc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** node_exporter scraped at `rateHz` by a loop that, like Prometheus, never overlaps two scrapes. */
async function nodeExporterCost(host: BenchHost, bin: string, rateHz: number, seconds: number): Promise<Cost & { version: string }> {
  const intervalMs = 1000 / rateHz;
  const ne = await startNodeExporter(bin, host.rapl.root, host.proc.root);
  let scrapes = 0;
  let inFlight = false;
  let scrapeError: Error | undefined;
  let lastBody = '';
  const stop = stepEvery(host, intervalMs, () => {
    if (inFlight) return;
    inFlight = true;
    ne.scrape()
      .then((body) => {
        scrapes++;
        lastBody = body;
      })
      .catch((err: Error) => (scrapeError = err))
      .finally(() => (inFlight = false));
  });
  try {
    await sleep(Math.max(3 * intervalMs, 2000));
    const [c0, s0, t0] = [cpuSeconds(ne.pid), scrapes, Date.now()];
    await sleep(seconds * 1000);
    const [c1, s1, t1] = [cpuSeconds(ne.pid), scrapes, Date.now()];
    if (scrapeError) throw scrapeError;
    const failed = Object.entries(collectorSuccess(lastBody)).filter(([, ok]) => !ok).map(([c]) => c);
    if (failed.length > 0) throw new Error(`node_exporter collectors failed on the fixture: ${failed.join(', ')}\n${ne.log.slice(-5).join('\n')}`);
    const version = /version=([\d.]+)/.exec(ne.log.join('\n'))?.[1] ?? '?';
    return { cpuMsPerReading: ((c1 - c0) * 1000) / (s1 - s0), cpuPercent: (100 * (c1 - c0)) / ((t1 - t0) / 1000), peakRssBytes: peakRssBytes(ne.pid), readings: s1 - s0, seconds: (t1 - t0) / 1000, version };
  } finally {
    stop();
    await ne.stop();
  }
}

/** The agent, then node_exporter, on the same host at the same rate. */
async function sideBySide(host: BenchHost, neBin: string, rateHz: number, seconds: number): Promise<{ line: Record<string, unknown>; agent: Cost }> {
  const a = await agentCost(host, rateHz, seconds);
  const n = await nodeExporterCost(host, neBin, rateHz, seconds);
  const line = {
    name: `agent_vs_node_exporter_${rateHz}hz`,
    processes: host.processes.length,
    gpus: GPUS,
    rateHz,
    agentIntervals: a.readings,
    agentAchievedHz: sig(a.readings / a.seconds),
    agentCpuMsPerInterval: sig(a.cpuMsPerReading),
    agentCpuPercent: sig(a.cpuPercent),
    agentPeakRssMiB: sig(a.peakRssBytes / MiB),
    baselineName: `node_exporter ${n.version} (rapl, cpu, processes) scraped at ${rateHz} Hz`,
    baselineScrapes: n.readings,
    baselineAchievedHz: sig(n.readings / n.seconds),
    baselineCpuMsPerScrape: sig(n.cpuMsPerReading),
    baselineCpuPercent: sig(n.cpuPercent),
    baselinePeakRssMiB: sig(n.peakRssBytes / MiB),
    ratio: sig(a.cpuMsPerReading / n.cpuMsPerReading),
    rssRatio: sig(a.peakRssBytes / n.peakRssBytes),
  };
  return { line, agent: a };
}

/**
 * Peak RSS of a Node process that does nothing: what any Node agent pays
 * before reading a file; a .ts entry point adds the type stripper's WebAssembly.
 */
async function idleNodeRssBytes(ext: 'js' | 'ts'): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-bench-idle-'));
  const file = path.join(dir, `idle.${ext}`);
  fs.writeFileSync(file, ext === 'ts' ? 'const period: number = 1000;\nsetInterval(() => {}, period);\n' : 'setInterval(() => {}, 1000);\n');
  const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', file], { stdio: 'ignore' });
  try {
    await sleep(1500);
    return peakRssBytes(child.pid!);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The agent as the unit runs it: built JavaScript with the unit's V8 flags (read from the unit, so they cannot drift). */
function shippedAgentEntry(): { entry: string[]; flags: string[]; env: Record<string, string>; buildDir: string } {
  const unit = fs.readFileSync(path.join(REPO, 'deploy/systemd/wattprint-agent.service'), 'utf8');
  const exec = /^ExecStart=(\S+) (.*) \/opt\/wattprint\/cli\/src\/main\.js agent /m.exec(unit);
  if (!exec) throw new Error('wattprint-agent.service: ExecStart does not run /opt/wattprint/cli/src/main.js agent');
  const flags = exec[2]!.split(/\s+/).filter((f) => f.startsWith('--') && !f.startsWith('--disable-warning'));
  const env = Object.fromEntries([...unit.matchAll(/^Environment=(\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  // Inside the repository tree the build resolves its packages from node_modules like a release does.
  const out = path.join(REPO, 'build', `bench-${process.pid}`);
  build(out);
  return { entry: [...flags, path.join(out, 'cli/src/main.js')], flags, env, buildDir: out };
}

/**
 * Where the agent's memory goes: peak RSS of an idle Node process that only
 * imports the built modules listed, cumulatively (what each layer adds).
 */
async function importRssMiB(buildDir: string): Promise<Record<string, number>> {
  const layers: [string, string[]][] = [
    ['node', []],
    ['protobufjs+proto', [path.join(buildDir, 'proto/src/index.js')]],
    ['grpc-js', ['@grpc/grpc-js']],
    ['pino', ['pino']],
    ['koffi', ['koffi']],
    ['agent modules', [path.join(buildDir, 'agent/src/agent.js')]],
  ];
  const out: Record<string, number> = {};
  const imports: string[] = [];
  for (const [name, mods] of layers) {
    imports.push(...mods.map((m) => (m.startsWith('/') ? pathToFileURL(m).href : m)));
    const code = `for (const m of ${JSON.stringify(imports)}) await import(m); setInterval(() => {}, 1000);`;
    const child = spawn(NODE, ['--input-type=module', '-e', code], { stdio: 'ignore', cwd: REPO });
    try {
      await sleep(2500);
      out[name] = sig(peakRssBytes(child.pid!) / MiB);
    } finally {
      child.kill('SIGKILL');
    }
  }
  return out;
}

/** V8 limits that trade a little GC work for memory, tried on the real agent. */
const CAPPED_HEAP = '--max-semi-space-size=1 --max-old-space-size=48';

const ne = findNodeExporter();
const started = Date.now();

// 1. One sampling interval in process, 1,000 processes and 8 GPUs.
{
  progress(`sampler over ${PROCESSES} processes, ${GPUS} GPUs`);
  const host = new BenchHost({ processes: PROCESSES });
  try {
    const s = await samplerCostMs(host, 40);
    const raw = rawStatReadMs(host.proc.root, 40);
    emit({
      name: 'agent_interval_cpu',
      processes: PROCESSES,
      gpus: GPUS,
      medianCpuMs: sig(median(s.cpuMs)),
      p90CpuMs: sig(percentile(s.cpuMs, 90)),
      reportedProcesses: s.processes,
      gpuProcesses: s.gpuProcesses,
      reportBytes: s.bytes,
      baselineName: `read every /proc/<pid>/stat of the ${PROCESSES}, no parsing (the I/O floor)`,
      baselineMedianCpuMs: sig(median(raw)),
      ratio: sig(median(s.cpuMs) / median(raw)),
    });
  } finally {
    host.remove();
  }
}

// 2. The real agent against node_exporter, at 1 Hz and 10 Hz.
if (!ne.bin) {
  emit({ name: 'agent_vs_node_exporter', skipped: ne.why });
} else {
  const host = new BenchHost({ processes: PROCESSES });
  try {
    let atOneHz: Cost | undefined;
    for (const [hz, seconds] of [[1, SECONDS_1HZ], [10, SECONDS_10HZ]] as const) {
      progress(`agent, then node_exporter, at ${hz} Hz for ${seconds} s each`);
      const { line, agent } = await sideBySide(host, ne.bin, hz, seconds);
      if (hz === 1) atOneHz = agent;
      emit(line);
    }
    progress(`agent with a capped V8 heap (${CAPPED_HEAP}) at 1 Hz for 10 s`);
    const capped = await agentCost(host, 1, 10, CAPPED_HEAP);
    const shipped = shippedAgentEntry();
    try {
      progress(`agent as shipped (built JavaScript, unit flags ${shipped.flags.join(' ')}) at 1 Hz for ${SECONDS_1HZ} s`);
      const a = await agentCost(host, 1, SECONDS_1HZ, '', shipped.entry, shipped.env);
      const n = await nodeExporterCost(host, ne.bin, 1, SECONDS_1HZ);
      emit({
        name: 'agent_as_shipped_1hz',
        processes: host.processes.length,
        gpus: GPUS,
        nodeFlags: shipped.flags.join(' '),
        unitEnvironment: Object.entries(shipped.env).map(([k, v]) => `${k}=${v}`).join(' '),
        agentCpuMsPerInterval: sig(a.cpuMsPerReading),
        agentPeakRssMiB: sig(a.peakRssBytes / MiB),
        baselineName: `node_exporter ${n.version} (rapl, cpu, processes) scraped at 1 Hz, right after`,
        baselineCpuMsPerScrape: sig(n.cpuMsPerReading),
        baselinePeakRssMiB: sig(n.peakRssBytes / MiB),
        ratio: sig(a.cpuMsPerReading / n.cpuMsPerReading),
        rssRatio: sig(a.peakRssBytes / n.peakRssBytes),
      });
      emit({ name: 'agent_rss_by_import', unit: 'MiB peak RSS, cumulative imports, idle', ...(await importRssMiB(shipped.buildDir)) });
    } finally {
      fs.rmSync(shipped.buildDir, { recursive: true, force: true });
    }
    emit({
      name: 'agent_capped_heap_1hz',
      nodeOptions: CAPPED_HEAP,
      agentPeakRssMiB: sig(capped.peakRssBytes / MiB),
      agentCpuMsPerInterval: sig(capped.cpuMsPerReading),
      baselineName: 'the same agent with V8 defaults (agent_vs_node_exporter_1hz)',
      baselinePeakRssMiB: sig(atOneHz!.peakRssBytes / MiB),
      baselineCpuMsPerInterval: sig(atOneHz!.cpuMsPerReading),
      rssRatio: sig(capped.peakRssBytes / atOneHz!.peakRssBytes),
      cpuRatio: sig(capped.cpuMsPerReading / atOneHz!.cpuMsPerReading),
    });
  } finally {
    host.remove();
  }
}

// 3. How cost grows with the number of processes.
for (const n of SCALE) {
  progress(`scaling: ${n} processes`);
  const host = new BenchHost({ processes: n });
  try {
    const s = await samplerCostMs(host, 15);
    const line: Record<string, unknown> = { name: `agent_scaling_${n}`, processes: n, agentMedianCpuMs: sig(median(s.cpuMs)) };
    if (ne.bin) {
      const exporter = await startNodeExporter(ne.bin, host.rapl.root, host.proc.root);
      try {
        const neMs = await nodeExporterPerScrapeMs(exporter, host, 2);
        Object.assign(line, { baselineName: 'node_exporter CPU per scrape (rapl, cpu, processes)', baselineCpuMs: sig(neMs), ratio: sig(median(s.cpuMs) / neMs) });
      } finally {
        await exporter.stop();
      }
    }
    emit(line);
  } finally {
    host.remove();
  }
}

emit({ name: 'node_runtime_floor', idleNodeJsPeakRssMiB: sig((await idleNodeRssBytes('js')) / MiB), idleNodeTsPeakRssMiB: sig((await idleNodeRssBytes('ts')) / MiB), node: process.version });
progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
