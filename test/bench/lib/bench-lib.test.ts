// The benchmark harness's pure parts: procfs readings of a process's cost,
// order statistics, and the rules that turn script output into BENCHMARKS.md
// (medians over runs, goals, failures and missing scripts kept visible).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseCpuTicks, parseVmHwmBytes, cpuSeconds, peakRssBytes } from './procinfo.ts';
import { median, percentile, sig } from './stats.ts';
import { aggregate, recordKeys, renderScaling, evaluateGoal, failureReason, fmt, parseJsonLines, ratioContext, renderMarkdown, scriptStatus, type Goal, type RunOutcome, type ScriptResult } from './report.ts';
import { fullStatLine, procStatText } from './host.ts';
import { parsePidStat, parseProcStat } from '@wattprint/agent/procfs/parse.ts';
import { collectorSuccess } from './node-exporter.ts';

test('parseCpuTicks adds utime and stime, counting fields after the last ")"', () => {
  // A comm with a space and a ")" must not shift the fields.
  const stat = '4242 (tricky) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 8 9 20 0 3 0 5000 1000000 250 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';
  assert.equal(parseCpuTicks(stat), 1234 + 567);
  assert.throws(() => parseCpuTicks('garbage'), /not a \/proc\/<pid>\/stat line/);
  assert.throws(() => parseCpuTicks('1 (x) S 1 2'), /utime\/stime unreadable/);
});

test('parseVmHwmBytes reads the peak resident set in bytes', () => {
  const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   153600 kB\nVmRSS:\t  100000 kB\n';
  assert.equal(parseVmHwmBytes(status), 153600 * 1024);
  assert.throws(() => parseVmHwmBytes('Name:\tkthreadd\n'), /VmHWM/);
});

test('this process: CPU seconds grow with work, peak RSS is at least the current RSS', () => {
  const before = cpuSeconds(process.pid);
  const end = process.cpuUsage().user + 60_000; // 60 ms of user time
  while (process.cpuUsage().user < end) Math.sqrt(Math.random());
  assert.ok(cpuSeconds(process.pid) > before);
  const rss = Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
  assert.ok(peakRssBytes(process.pid) >= rss);
});

test('median and percentile interpolate between closest ranks', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(percentile([10, 20, 30, 40, 50], 0), 10);
  assert.equal(percentile([10, 20, 30, 40, 50], 100), 50);
  assert.equal(percentile([10, 20, 30, 40, 50], 90), 46);
  assert.equal(percentile([7], 99), 7);
  assert.throws(() => median([]), /empty/);
  assert.throws(() => percentile([1], 101), /\[0, 100\]/);
  assert.equal(sig(123.456789), 123.5);
  assert.equal(sig(0.000123456), 0.0001235);
});

test('the fixture host writes stat files the agent and the kernel format agree on', () => {
  const line = fullStatLine({ pid: 77, comm: 'pt_data_worker', ppid: 7, utime: 11, stime: 4, cutime: 2, cstime: 1, starttime: 5100, rssPages: 300 });
  assert.equal(line.trim().split(' ').length, 52, 'the kernel writes 52 fields');
  const st = parsePidStat(line)!;
  assert.deepEqual([st.pid, st.comm, st.ppid, st.utime, st.stime, st.cutime, st.cstime, st.starttime, st.rssPages], [77, 'pt_data_worker', 7, 11, 4, 2, 1, 5100, 300]);
  assert.equal(parseCpuTicks(line), 15);
  const host = parseProcStat(procStatText(640, 5760, 64, 1_700_000_000))!;
  assert.deepEqual(host, { busyTicks: 640, idleTicks: 5760, cpuCount: 64, bootTime: 1_700_000_000 });
});

test('collectorSuccess reads node_exporter\'s per-collector outcome', () => {
  const body = '# HELP x\nnode_scrape_collector_success{collector="cpu"} 1\nnode_scrape_collector_success{collector="processes"} 0\n';
  assert.deepEqual(collectorSuccess(body), { cpu: true, processes: false });
});

test('parseJsonLines keeps objects and sets everything else apart', () => {
  const { records, other } = parseJsonLines('{"name":"a","ratio":1.5}\nwarming up\n[1,2]\n{"bench":"b"}\n{broken\n\n');
  assert.deepEqual(records, [{ name: 'a', ratio: 1.5 }, { bench: 'b' }]);
  assert.deepEqual(other, ['warming up', '[1,2]', '{broken']);
});

const run = (records: Record<string, unknown>[], ok = true, extra: Partial<RunOutcome> = {}): RunOutcome => ({ ok, exitCode: ok ? 0 : 1, signal: null, timedOut: false, seconds: 10, records, stderrTail: [], ...extra });

test('aggregate takes the median of each numeric field over successful runs only', () => {
  const figs = aggregate([
    run([{ name: 'x', medianMs: 10, ratio: 2, baselineName: 'old' }, { bench: 'y', pointsPerSecond: 100 }]),
    run([{ name: 'x', medianMs: 30, ratio: 4, baselineName: 'new' }]),
    run([{ name: 'x', medianMs: 1000, ratio: 99 }], false), // a failed run's lines do not count
    run([{ name: 'x', medianMs: 20, ratio: 3, baselineName: 'new' }, { bench: 'y', pointsPerSecond: 300 }]),
  ]);
  assert.deepEqual(figs.map((f) => f.key), ['x', 'y']);
  const x = figs[0]!;
  assert.equal(x.fields.medianMs, 20);
  assert.equal(x.fields.ratio, 3);
  assert.equal(x.fields.baselineName, 'new', 'non-numeric fields come from the last run');
  assert.equal(x.runs, 3);
  assert.deepEqual(x.range.ratio, [2, 4]);
  assert.equal(figs[1]!.fields.pointsPerSecond, 200);
  assert.equal(figs[1]!.runs, 2);
});

test('recordKeys tells apart lines that share a name by their parameters', () => {
  const keys = recordKeys([
    { bench: 'ingest', server: 'bare', streams: 100, acked: 5 },
    { bench: 'ingest', server: 'sqlite', streams: 100, acked: 4 },
    { bench: 'ingest', server: 'bare', streams: 1000, acked: 50 },
    { bench: 'ingest', server: 'sqlite', streams: 1000, acked: 40 },
    { name: 'other', ratio: 2 },
    { name: 'twin', value: 1 },
    { name: 'twin', value: 2 },
    { ratio: 3 },
  ]);
  assert.deepEqual(keys, [
    'ingest (server=bare, streams=100)',
    'ingest (server=sqlite, streams=100)',
    'ingest (server=bare, streams=1000)',
    'ingest (server=sqlite, streams=1000)',
    'other',
    'twin',
    'twin #2',
    'line 8',
  ]);
  // Medians then stay per parameter set instead of mixing 100 and 1,000 streams.
  const figs = aggregate([run([{ bench: 'ingest', streams: 100, p50Ms: 10 }, { bench: 'ingest', streams: 1000, p50Ms: 100 }]), run([{ bench: 'ingest', streams: 100, p50Ms: 20 }, { bench: 'ingest', streams: 1000, p50Ms: 300 }])]);
  assert.deepEqual(figs.map((f) => [f.key, f.fields.p50Ms]), [['ingest (streams=100)', 15], ['ingest (streams=1000)', 200]]);
});

test('scriptStatus and failureReason tell missing, failed, partial and timed-out runs apart', () => {
  const base = { file: 's.bench.ts', command: 'c', plannedRuns: 3 };
  assert.equal(scriptStatus({ ...base, missing: true, runs: [] }), 'missing');
  assert.equal(scriptStatus({ ...base, missing: false, runs: [] }), 'not run');
  assert.equal(scriptStatus({ ...base, missing: false, runs: [run([], false)] }), 'failed');
  assert.equal(scriptStatus({ ...base, missing: false, runs: [run([]), run([], false)] }), 'partial');
  assert.equal(scriptStatus({ ...base, missing: false, runs: [run([]), run([])] }), 'ok');
  const crashed = run([], false, { stderrTail: ['Error: influxd not found', '    at main (x.ts:1:1)', 'Node.js v22.0.0'] });
  assert.equal(failureReason(crashed), 'exit code 1: Error: influxd not found');
  assert.match(failureReason(run([], false, { timedOut: true, seconds: 300, exitCode: null, signal: 'SIGTERM' })), /^timed out after 300 s/);
});

const goal = (over: Partial<Goal> = {}): Goal => ({
  text: 'thing < 10 ms',
  script: 'a.bench.ts',
  figure: /^thing$/,
  metric: ['medianMs'],
  op: '<',
  limit: 10,
  unit: 'ms',
  whyMissed: (f) => `it took ${f.fields.medianMs} ms`,
  fix: 'make it faster',
  ...over,
});

test('evaluateGoal: met, missed with a reason, and not measured when the script is missing or failed', () => {
  const ok: ScriptResult = { file: 'a.bench.ts', command: 'c', missing: false, plannedRuns: 1, runs: [run([{ name: 'thing', medianMs: 12 }])] };
  const figures = new Map([['a.bench.ts', aggregate(ok.runs)]]);
  const missed = evaluateGoal(goal(), figures, [ok]);
  assert.equal(missed.status, 'missed');
  assert.equal(missed.value, 12);
  assert.equal(missed.detail, 'it took 12 ms');
  assert.equal(evaluateGoal(goal({ limit: 12, op: '<=' }), figures, [ok]).status, 'met');
  assert.equal(evaluateGoal(goal({ limit: 12, op: '<' }), figures, [ok]).status, 'missed', 'a strict bound is strict');

  const missing: ScriptResult = { ...ok, missing: true, runs: [] };
  const m = evaluateGoal(goal(), new Map(), [missing]);
  assert.equal(m.status, 'not measured');
  assert.match(m.detail, /does not exist/);
  const failed: ScriptResult = { ...ok, runs: [run([], false, { stderrTail: ['Error: boom'] })] };
  assert.match(evaluateGoal(goal(), new Map([['a.bench.ts', []]]), [failed]).detail, /failed: exit code 1: Error: boom/);
  assert.match(evaluateGoal(goal({ metric: ['p50Ms'] }), figures, [ok]).detail, /has none of p50Ms/);
});

test('ratioContext pairs a ratio with the figure and baseline values it came from', () => {
  const fields = { agentCpuMsPerInterval: 40, agentPeakRssMiB: 150, baselineCpuMsPerScrape: 50, baselinePeakRssMiB: 20, ratio: 0.8, rssRatio: 7.5 };
  assert.deepEqual(ratioContext(fields, 'ratio'), { value: 'agentCpuMsPerInterval 40', baseline: 'baselineCpuMsPerScrape 50' });
  assert.deepEqual(ratioContext(fields, 'rssRatio'), { value: 'agentPeakRssMiB 150', baseline: 'baselinePeakRssMiB 20' });
  assert.deepEqual(ratioContext({ ratio: 1 }, 'ratio'), { value: undefined, baseline: undefined });
  // The mirrored field wins over an earlier unrelated one.
  assert.deepEqual(ratioContext({ agentIntervalMs: 100, medianMs: 380, baselineMedianMs: 4, ratio: 95 }, 'ratio'), { value: 'medianMs 380', baseline: 'baselineMedianMs 4' });
  assert.deepEqual(ratioContext({ processes: 100, agentMedianCpuMs: 7, baselineCpuMs: 8, ratio: 0.875 }, 'ratio'), { value: 'agentMedianCpuMs 7', baseline: 'baselineCpuMs 8' });
  assert.equal(fmt(0.123456), '0.1235');
  assert.equal(fmt(123456.7), '123457');
  assert.equal(fmt(undefined), '—');
  assert.equal(fmt({ implausible_power: 2 }), '{"implausible_power":2}');
  assert.equal(fmt([]), '[]');
});

test('renderMarkdown puts goals and ratios first and reports missing and failed scripts', () => {
  const scripts: ScriptResult[] = [
    { file: 'a.bench.ts', command: 'node a', missing: false, plannedRuns: 3, runs: [run([{ name: 'thing', medianMs: 12, baselineName: 'raw | read', baselineMedianMs: 6, ratio: 2 }]), run([{ name: 'thing', medianMs: 8, baselineName: 'raw | read', baselineMedianMs: 4, ratio: 2 }])] },
    { file: 'gone.bench.ts', command: 'node gone', missing: true, plannedRuns: 3, runs: [] },
    { file: 'bad.bench.ts', command: 'node bad', missing: false, plannedRuns: 3, runs: [run([], false, { stderrTail: ['Error: influxd not found'] })] },
    { file: 'quiet.bench.ts', command: 'node quiet', missing: false, plannedRuns: 3, runs: [run([{ bench: 'q', ratio: 1.1 }])] },
  ];
  const md = renderMarkdown({
    preamble: 'Hand-written words.',
    machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 23.4, kernel: 'Linux 6.1', node: 'v22.23.3', date: '2026-01-01T00:00:00Z', loadAverage: [0.5, 0.4, 0.3] },
    command: 'npm run bench',
    totalSeconds: 600,
    scripts,
    goals: [goal(), goal({ text: 'web < 1 s', script: 'gone.bench.ts' })],
  });
  assert.ok(md.indexOf('## Goals') < md.indexOf('## Ratios against baselines'));
  assert.ok(md.indexOf('## Ratios against baselines') < md.indexOf('## Scripts'));
  assert.match(md, /Hand-written words\./);
  assert.match(md, /\| AMD EPYC \| 2 \| 23\.4 GiB \| Linux 6\.1 \| v22\.23\.3 \|/);
  // medianMs is the median of 12 and 8: 10, not under 10, so missed with its reason.
  assert.match(md, /\| thing < 10 ms \| \*\*missed\*\* \| 10 ms \|/);
  assert.match(md, /Missed: thing < 10 ms\.\*\* Why: it took 10 ms What would fix it: make it faster/);
  assert.match(md, /\| web < 1 s \| \*\*not measured\*\* \| — \| gone\.bench\.ts does not exist yet \|/);
  assert.match(md, /\| `a\.bench\.ts` \| thing \| \*\*2\*\* \| 2–2 \| raw \\\| read \| medianMs 10 \/ baselineMedianMs 5 \|/);
  assert.match(md, /\| `quiet\.bench\.ts` \| q \| \*\*1\.1\*\* \| — \| \(the script names no baseline\) \|/);
  assert.match(md, /### `gone\.bench\.ts` — missing\n\nCommand: `node gone`\n\nThe script does not exist/);
  assert.match(md, /### `bad\.bench\.ts` — failed[\s\S]*Run 1 failed: exit code 1: Error: influxd not found[\s\S]*No figures: every run failed\./);
  assert.match(md, /Runs: 2 of 2 succeeded \(3 planned; the rest were skipped to stay within the time budget\)/);
});

test('renderScaling orders sizes and gives the cost per process', () => {
  const figs = aggregate([
    run([
      { name: 'agent_scaling_1000', processes: 1000, agentMedianCpuMs: 20, baselineCpuMs: 40, ratio: 0.5 },
      { name: 'agent_scaling_100', processes: 100, agentMedianCpuMs: 4, baselineCpuMs: 8, ratio: 0.5 },
      { name: 'agent_interval_cpu', processes: 1000, medianCpuMs: 19 },
    ]),
  ]);
  const lines = renderScaling(figs);
  const rows = lines.filter((l) => /^\| \d/.test(l));
  assert.deepEqual(rows, ['| 100 | 4 | 40 | 8 | 80 | 0.5 |', '| 1000 | 20 | 20 | 40 | 40 | 0.5 |']);
  assert.deepEqual(renderScaling(aggregate([run([{ name: 'agent_interval_cpu', medianCpuMs: 19 }])])), []);
});
