// Property tests over random reports: conservation per (host, interval,
// domain, device), process shares adding up to job shares, no negative or
// non-finite energy, independence from list order, identical replays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeReport, encodeReport, type Report } from '@wattprint/proto';
import { attribute, type AttributionContext } from '@wattprint/collector/attribution/attribute.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { close, gpuProc, proc, reading, report, T0, type DomainName } from './build.ts';

const DEVICES: [DomainName, string][] = [
  ['package', 'package-0'],
  ['package', 'package-1'],
  ['core', 'package-0-core'],
  ['uncore', 'package-0-uncore'],
  ['dram', 'dram-0'],
  ['psys', 'psys'],
  ['gpu', 'GPU-0'],
  ['gpu', 'GPU-1'],
  ['gpu', 'GPU-2'],
  ['wall', 'psu-1'],
  ['wall', 'psu-2'],
  ['unspecified', 'mystery'],
];
const GPUS = ['GPU-0', 'GPU-1', 'GPU-2', 'GPU-9']; // GPU-9 has no reading
const JOBS = ['', 'a', 'b', 'c'];

const joules = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5000, noNaN: true }), fc.integer({ min: 0, max: 1000 }));
const cpu = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 20, noNaN: true }));

const energyArb = fc.array(
  fc.record({ dd: fc.constantFrom(...DEVICES), joules, estimate: fc.boolean(), integrated: fc.boolean() }).map(({ dd, joules, estimate, integrated }) => reading(dd[0], dd[1], joules, { estimate, integrated })),
  { maxLength: 14 },
);
// Small pid and start-time ranges so that PID reuse, duplicates and GPU pids
// missing from the process list all happen often.
const processArb = fc
  .record({ pid: fc.integer({ min: 1, max: 30 }), start: fc.integer({ min: 0, max: 2 }), jobId: fc.constantFrom(...JOBS), cpu, exited: fc.boolean(), labels: fc.constantFrom<Record<string, string>>({}, { team: 'nlp' }, { team: 'cv' }) })
  .map((p) => proc(p.pid, p.jobId, p.cpu, { startTimeUs: T0 + p.start * 1e6, exited: p.exited, labels: p.labels }));
const gpuArb = fc
  .record({ uuid: fc.constantFrom(...GPUS), pid: fc.integer({ min: 1, max: 36 }), sm: fc.double({ min: 0, max: 100, noNaN: true }), samples: fc.integer({ min: 0, max: 3 }), mem: fc.constantFrom(0, 1e9, 3e9, 7.5e9) })
  .map((g) => gpuProc(g.uuid, g.pid, { smUtil: g.sm, sampleCount: g.samples, gpuMemoryBytes: g.mem }));

const reportArb = fc
  .record({
    seconds: fc.integer({ min: 1, max: 60 }),
    energy: energyArb,
    processes: fc.array(processArb, { maxLength: 30 }),
    gpuProcesses: fc.array(gpuArb, { maxLength: 10 }),
    busy: cpu.map((x) => x * 4),
    idle: cpu.map((x) => x * 10),
    cpuCount: fc.integer({ min: 0, max: 64 }),
    progress: fc.array(fc.record({ jobId: fc.constantFrom('a', 'r1', 'z'), tokens: fc.integer({ min: 0, max: 1e6 }), examples: fc.integer({ min: 0, max: 1000 }), steps: fc.integer({ min: 0, max: 10 }) }), { maxLength: 4 }),
  })
  .map((s) => report({ host: 'h', ...s }));

const ctxArb: fc.Arbitrary<AttributionContext> = fc.record({
  policy: fc.constantFrom({ idle: 'share' as const }, { idle: 'unattributed' as const }),
  baseline: fc.option(fc.dictionary(fc.constantFrom(...DEVICES.map(([d, v]) => `${d}/${v}`)), fc.double({ min: 0, max: 200, noNaN: true })), { nil: undefined }),
  registrations: fc.array(
    fc.record({
      host: fc.constantFrom('h', 'elsewhere'),
      pid: fc.integer({ min: 1, max: 36 }),
      startTimeUs: fc.option(fc.integer({ min: 0, max: 2 }).map((s) => T0 + s * 1e6), { nil: undefined }),
      fromUs: fc.integer({ min: -100, max: 100 }).map((s) => T0 + s * 1e6),
      toUs: fc.option(fc.integer({ min: -100, max: 100 }).map((s) => T0 + s * 1e6), { nil: undefined }),
      jobId: fc.constantFrom('r1', 'r2', 'a'),
      labels: fc.constantFrom<Record<string, string>>({}, { owner: 'ana' }),
    }),
    { maxLength: 5 },
  ),
});

// A failing property shrinks; the time limit keeps a pathological shrink from
// stalling the suite, and still reports the failure.
const runs = (numRuns: number) => ({ numRuns, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true });

const key = (...parts: (string | number)[]) => parts.join('\u0000');
function sums<T extends { joules: number }>(xs: T[], k: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(k(x), (m.get(k(x)) ?? 0) + x.joules);
  return m;
}

function checkConservation(r: AttributionResult): void {
  const shares = sums([...r.jobShares, ...r.unattributed], (s) => key(s.domain, s.device));
  for (const m of r.measured) {
    const got = shares.get(key(m.domain, m.device)) ?? 0;
    assert.ok(close(got, m.joules), `${m.domain}/${m.device}: shares ${got} != measured ${m.joules}`);
    shares.delete(key(m.domain, m.device));
  }
  assert.deepEqual([...shares.keys()], [], 'shares of a (domain, device) nobody measured');
}

function checkProcessesAddUp(r: AttributionResult): void {
  const k = (s: { jobId: string; domain: string; device: string; modality: string }) => key(s.jobId, s.domain, s.device, s.modality);
  const byProcess = sums(r.processShares, k);
  const byJob = sums(r.jobShares, k);
  assert.equal(byJob.size, r.jobShares.length, 'one job share per (job, domain, device, modality)');
  for (const [jk, j] of byJob) assert.ok(close(byProcess.get(jk) ?? 0, j), `${jk}: processes ${byProcess.get(jk)} != job ${j}`);
  for (const pk of byProcess.keys()) assert.ok(byJob.has(pk), `process shares without a job share: ${pk}`);
  const ids = r.processShares.map((s) => key(s.pid, s.startTimeUs, s.domain, s.device, s.modality));
  assert.equal(new Set(ids).size, ids.length, 'one process share per (process, domain, device, modality)');
}

function checkNonNegative(r: AttributionResult): void {
  for (const s of [...r.jobShares, ...r.processShares, ...r.unattributed]) assert.ok(Number.isFinite(s.joules) && s.joules >= 0, `${JSON.stringify(s)}`);
  for (const j of r.jobs) {
    for (const v of [j.softwareJoules, j.wallJoules, j.dynamicJoules, j.idleJoules, ...Object.values(j.byComponent)]) assert.ok(Number.isFinite(v) && v >= 0, `${j.jobId}: ${v}`);
  }
}

function checkJobTotals(r: AttributionResult): void {
  let software = 0;
  for (const j of r.jobs) {
    assert.ok(close(j.dynamicJoules + j.idleJoules, j.softwareJoules), `${j.jobId}: dynamic + idle != software`);
    assert.ok(close(j.byComponent.cpu + j.byComponent.dram + j.byComponent.gpu, j.softwareJoules), `${j.jobId}: components != software`);
    assert.ok(close(j.softwareJoules + j.byComponent.other, j.wallJoules), `${j.jobId}: wall != software + other`);
    assert.equal(j.estimated, j.flags.includes('estimate'));
    software += j.softwareJoules;
  }
  assert.ok(software <= r.hostSoftwareJoules * (1 + 1e-9) + 1e-12, `jobs ${software} > host ${r.hostSoftwareJoules}`);
  if (r.hostWallJoules !== undefined) {
    const wall = r.jobs.reduce((a, j) => a + j.byComponent.other, 0);
    assert.ok(wall <= Math.max(0, r.hostWallJoules - r.hostSoftwareJoules) * (1 + 1e-9) + 1e-12, 'jobs got more than wall minus components');
  }
}

test('Σ job shares + Σ unattributed = measured for every domain and device', () => {
  fc.assert(
    fc.property(reportArb, ctxArb, (r, ctx) => checkConservation(attribute(r, ctx))),
    runs(300),
  );
});

test('process shares add up to job shares, one row per key', () => {
  fc.assert(fc.property(reportArb, ctxArb, (r, ctx) => checkProcessesAddUp(attribute(r, ctx))), runs(300));
});

test('no energy is negative or non-finite; job totals agree with their shares and the host', () => {
  fc.assert(
    fc.property(reportArb, ctxArb, (r, ctx) => {
      const res = attribute(r, ctx);
      checkNonNegative(res);
      checkJobTotals(res);
    }),
    runs(300),
  );
});

/** Fisher-Yates with a seeded LCG, so a failing case replays. */
function shuffled<T>(xs: readonly T[] | null | undefined, seed: number): T[] {
  const a = [...(xs ?? [])];
  let s = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const k = s % (i + 1);
    [a[i], a[k]] = [a[k]!, a[i]!];
  }
  return a;
}

test('the order of processes, GPU processes, readings and progress does not matter', () => {
  fc.assert(
    fc.property(reportArb, ctxArb, fc.nat(), (r, ctx, seed) => {
      const permuted: Report = { ...r, processes: shuffled(r.processes, seed), gpuProcesses: shuffled(r.gpuProcesses, seed + 1), energy: shuffled(r.energy, seed + 2), progress: shuffled(r.progress, seed + 3) };
      assert.deepStrictEqual(attribute(permuted, ctx), attribute(r, ctx));
    }),
    runs(300),
  );
});

test('a replay (also through the wire encoding) gives an identical result', () => {
  fc.assert(
    fc.property(reportArb, ctxArb, (r, ctx) => {
      const first = attribute(r, ctx);
      assert.deepStrictEqual(attribute(r, ctx), first);
      assert.deepStrictEqual(attribute(decodeReport(encodeReport(r)), ctx), first);
    }),
    runs(200),
  );
});
