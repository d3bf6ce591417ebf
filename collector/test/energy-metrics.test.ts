// The energy counters behind /metrics: replays and restatements never count
// twice, a new series shows 0 on its first scrape, a finished job's series
// leave after the retention, label values are escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttributionResult } from '../src/attribution/types.ts';
import type { JobCarbon } from '../src/storage/sink.ts';
import { EnergyMetrics } from '../src/telemetry/energy.ts';

function result(host: string, startUs: number, jobId: string, joules: number): AttributionResult {
  return {
    host, seq: startUs, startUs, endUs: startUs + 1_000_000,
    measured: [{ domain: 'package', device: 'package-0', source: 'rapl', quality: 'counter', joules, flags: [] }],
    jobShares: [], processShares: [],
    unattributed: [{ domain: 'package', device: 'package-0', component: 'cpu', modality: 'dynamic', joules: joules / 4, method: 'remainder', flags: [], reason: 'system' }],
    jobs: [{ jobId, softwareJoules: (joules * 3) / 4, wallJoules: (joules * 3) / 4, dynamicJoules: (joules * 3) / 4, idleJoules: 0, byComponent: { cpu: (joules * 3) / 4, dram: 0, gpu: 0, other: 0 }, estimated: false, cpuSeconds: 1, tokens: 0, examples: 0, steps: 0, labels: {}, flags: [] }],
    hostSoftwareJoules: joules, hostWallJoules: undefined, flags: [],
  };
}

function value(text: string, line: string): number | undefined {
  const l = text.split('\n').find((x) => x.startsWith(line + ' '));
  return l === undefined ? undefined : Number(l.slice(line.length + 1));
}

const HOST = 'wattprint_host_energy_joules_total{host="h1",domain="package",device="package-0",source="rapl",quality="counter"}';
const JOB = 'wattprint_job_energy_joules_total{wattprint_job="j1",host="h1",component="cpu"}';

test('counts each interval once, shows new series at 0 first, and never decreases', () => {
  const m = new EnergyMetrics();
  m.onStored([result('h1', 1_000_000, 'j1', 8), result('h1', 2_000_000, 'j1', 4)]);
  const first = m.render();
  assert.equal(value(first, HOST), 0, 'first scrape: 0');
  assert.match(first, /^# TYPE wattprint_host_energy_joules_total counter$/m);
  assert.match(first, /^# HELP wattprint_job_carbon_grams_total /m);
  const second = m.render();
  assert.equal(value(second, HOST), 12);
  assert.equal(value(second, JOB), 9);
  assert.equal(value(second, 'wattprint_host_software_energy_joules_total{host="h1"}'), 12);
  assert.equal(value(second, 'wattprint_host_unattributed_energy_joules_total{host="h1",domain="package",device="package-0",reason="system"}'), 3);
  // A replay of both (lost ack, reconnect) and of the older one alone: nothing changes.
  m.onStored([result('h1', 1_000_000, 'j1', 8), result('h1', 2_000_000, 'j1', 4)]);
  m.onStored([result('h1', 1_000_000, 'j1', 8)]);
  assert.equal(m.replaysSkipped, 3);
  m.onStored([result('h1', 3_000_000, 'j1', 1)]);
  assert.equal(value(m.render(), HOST), 13);
});

test('carbon counts first pricing only; restatements of the same interval are skipped', () => {
  const m = new EnergyMetrics();
  const c = (startUs: number, gco2e: number) => ({ host: 'h1', jobId: 'j1', startUs, endUs: startUs + 1, zone: 'DE', gco2e }) as JobCarbon;
  m.onCarbon({ jobs: [c(1, 2.5), c(2, 1)], intervals: [], periods: [] });
  m.onCarbon({ jobs: [c(1, 3)], intervals: [], periods: [] });
  m.render();
  assert.equal(value(m.render(), 'wattprint_job_carbon_grams_total{wattprint_job="j1",host="h1",zone="DE"}'), 3.5);
});

test("a finished job's series leave after the retention; the host's stay", () => {
  let now = 0;
  const m = new EnergyMetrics({ jobRetentionS: 60, nowMs: () => now });
  m.onStored([result('h1', 1_000_000, 'j1', 8)]);
  m.onCarbon({ jobs: [{ host: 'h1', jobId: 'j1', startUs: 1, zone: 'DE', gco2e: 1 } as JobCarbon], intervals: [], periods: [] });
  m.render();
  assert.deepEqual(m.counts(), { host: 1, software: 1, wall: 0, unattributed: 1, job: 4, carbon: 1 });
  now = 59_000;
  assert.ok(m.render().includes('wattprint_job="j1"'));
  now = 61_000;
  const text = m.render();
  assert.ok(!text.includes('wattprint_job="j1"'));
  assert.equal(value(text, HOST), 8);
  assert.deepEqual(m.counts(), { host: 1, software: 1, wall: 0, unattributed: 1, job: 0, carbon: 0 });
});

test('label values are escaped', () => {
  const m = new EnergyMetrics();
  m.onStored([result('h1', 1, 'we"ird\\job\nx', 4)]);
  assert.match(m.render(), /wattprint_job="we\\"ird\\\\job\\nx"/);
});
