// Energy on /metrics as a real Prometheus 2.x (Debian's `prometheus`) sees it:
// a collector started from the CLI ingests a fixture host running one job while
// Prometheus scrapes it every second. Through the PromQL HTTP API, each
// counter's samples end at the joules (and grams) the store holds, and
// increase() over the run equals the stored figure times Prometheus' own
// extrapolation factor, computed here from the same samples (docs/PROMETHEUS.md).
// Then the finished job's series leave /metrics after the configured retention.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { eventually, REPO, sleep, startCollectorProcess, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';
import { startPrometheus, type Server } from '../helpers/prometheus.ts';

const JOB = 'prom-job';
const HOST = 'prom-host';
const RETENTION_S = 8;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-prom-'));
const procs: Proc[] = [];
let prom: Server | undefined;
let ticker: NodeJS.Timeout | undefined;

after(async () => {
  if (ticker) clearInterval(ticker);
  for (const p of procs) await p.stop('SIGKILL');
  await prom?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Sample {
  t: number;
  v: number;
}
interface Series {
  metric: Record<string, string>;
  samples: Sample[];
}

async function promQuery(q: string, timeS: number): Promise<{ resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] }> {
  const res = await fetch(`${prom!.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${timeS}`);
  const body = (await res.json()) as { status: string; error?: string; data: never };
  assert.equal(body.status, 'success', `${q}: ${body.error}`);
  return body.data;
}

async function matrix(selector: string, range: string, timeS: number): Promise<Series[]> {
  const d = await promQuery(`${selector}[${range}]`, timeS);
  assert.equal(d.resultType, 'matrix');
  return d.result.map((r) => ({ metric: r.metric, samples: r.values!.map(([t, v]) => ({ t: t * 1000, v: Number(v) })) }));
}

/** Prometheus 2.x increase(): extrapolatedRate in promql/functions.go, for a counter, ms timestamps. */
export function prometheusIncrease(samples: Sample[], rangeStartMs: number, rangeEndMs: number): number | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  let result = last.v - first.v;
  let prev = 0;
  for (const s of samples) {
    if (s.v < prev) result += prev;
    prev = s.v;
  }
  let toStart = (first.t - rangeStartMs) / 1000;
  const toEnd = (rangeEndMs - last.t) / 1000;
  const sampled = (last.t - first.t) / 1000;
  const avg = sampled / (samples.length - 1);
  if (result > 0 && first.v >= 0) toStart = Math.min(toStart, sampled * (first.v / result));
  const threshold = avg * 1.1;
  let extrapolated = sampled;
  extrapolated += toStart < threshold ? toStart : avg / 2;
  extrapolated += toEnd < threshold ? toEnd : avg / 2;
  return result * (extrapolated / sampled);
}

interface PanelRow {
  metric: Record<string, string>;
  /** The instant value, or the last point of a range query. */
  value: number | undefined;
}

interface PromDashboard {
  uid: string;
  __inputs: { name: string; type: string; pluginId: string }[];
  templating: { list: { name: string; type: string; query: string | { query: string }; includeAll?: boolean; refresh?: number; current?: { value?: unknown } }[] };
  panels: { title: string; type: string; datasource: { type: string; uid: string }; targets: { expr: string; instant: boolean; datasource: { uid: string } }[] }[];
}

/**
 * Runs every panel of deploy/grafana/dashboards-prometheus/ as Grafana's Prometheus
 * datasource would: label_values() variables from the series API over the range,
 * multi-value variables as (a|b), $__range and $__rate_interval substituted; instant
 * panels as instant queries, the others as range queries. Fails on an error or an
 * empty answer; returns each panel's rows by "<file>: <title>".
 */
async function promDashboardPanels(nowS: number, rangeS: number, empty: string[]): Promise<Map<string, PanelRow[]>> {
  const dir = path.join(REPO, 'deploy/grafana/dashboards-prometheus');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, ['cluster.json', 'job.json']);
  const out = new Map<string, PanelRow[]>();
  for (const f of files) {
    const d = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PromDashboard;
    assert.deepEqual(d.__inputs.map((i) => [i.type, i.pluginId]), [['datasource', 'prometheus']], f);
    const [ds, ...rest] = d.templating.list;
    assert.deepEqual([ds?.name, ds?.type, ds?.query, ds?.current?.value], ['datasource', 'datasource', 'prometheus', '${DS_WATTPRINT_PROMETHEUS}'], f);
    const vars = new Map<string, string>();
    for (const v of rest) {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\((\w+), (\w+)\)$/.exec(q);
      assert.ok(m, `${f} $${v.name}: ${q}`);
      assert.equal(v.refresh, 2, `${f} $${v.name}: follows the time range`);
      const res = (await (await fetch(`${prom!.url}/api/v1/label/${m[2]}/values?match[]=${m[1]}&start=${nowS - rangeS}&end=${nowS}`)).json()) as { data: string[] };
      assert.ok(res.data.length > 0, `${f} $${v.name}: no values`);
      // A single-value variable: our job (other tests' jobs may be on the host too).
      const vals = v.includeAll ? res.data : [res.data.includes(JOB) ? JOB : res.data[0]!];
      vars.set(v.name, vals.length === 1 ? vals[0]! : `(${vals.join('|')})`);
    }
    for (const p of d.panels) {
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, `${f} ${p.title}`);
      const t = p.targets[0]!;
      const expr = t.expr
        .replaceAll('$__rate_interval', '5s')
        .replaceAll('$__range', `${rangeS}s`)
        .replace(/\$(\w+)/g, (_, name: string) => {
          assert.ok(vars.has(name), `${f} ${p.title}: $${name} is not a variable`);
          return vars.get(name)!;
        });
      const url = t.instant
        ? `${prom!.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${nowS}`
        : `${prom!.url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${nowS - rangeS}&end=${nowS}&step=1`;
      const body = (await (await fetch(url)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] } };
      assert.equal(body.status, 'success', `${f} ${p.title}: ${expr}: ${body.error}`);
      const rows = body.data.result.map((r) => ({ metric: r.metric, value: Number((r.value ?? r.values?.at(-1))?.[1]) }));
      const key = `${f.replace('.json', '')}: ${p.title}`;
      if (empty.includes(key)) assert.deepEqual(rows, [], `${key}: expected no data`);
      else assert.ok(rows.length > 0 && rows.every((r) => Number.isFinite(r.value)), `${key}: no data for ${expr}`);
      out.set(key, rows);
    }
  }
  return out;
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} != ${b}`);

test('Prometheus scrapes host and job energy; increase() matches the stored joules', async () => {
  const dbPath = path.join(dir, 'collector.db');
  const c = await startCollectorProcess(dbPath, ['--zone', 'DE', '--metrics-job-retention', String(RETENTION_S)]);
  procs.push(c.proc);
  prom = await startPrometheus(`
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: wattprint-collector
    static_configs: [{ targets: ['127.0.0.1:${c.httpPort}'] }]
`);
  // The target is up before any energy exists, as in a real deployment.
  await eventually(async () => (await promQuery('up{job="wattprint-collector"}', Date.now() / 1000)).result[0]?.value?.[1] === '1', 20_000, 'the target up');

  const fixture = RaplFixture.server(path.join(dir, 'sysfs'));
  ticker = setInterval(() => {
    fixture.advance('intel-rapl:0', 9_000_011n);
    fixture.advance('intel-rapl:0:1', 1_000_003n);
    fixture.advance('intel-rapl:1', 7_000_019n);
  }, 100);
  const agent = wattprint(['agent', '--plaintext', '--collector', `127.0.0.1:${c.grpcPort}`, '--host', HOST, '--spool-dir', path.join(dir, 'spool'), '--socket', path.join(dir, 'agent.sock'), '--sysfs-root', fixture.root, '--interval-ms', '250'], { WATTPRINT_JOB_ID: JOB });
  procs.push(agent);
  await waitForLine(agent, /source rapl: found/);
  await sleep(5000);
  await agent.stop();
  clearInterval(ticker);
  ticker = undefined;

  // What the store holds, once carbon has priced every interval of the job.
  const db = new DatabaseSync(dbPath, { readOnly: true });
  await eventually(() => {
    const ji = db.prepare('SELECT count(*) AS n FROM job_interval WHERE job_id = ?').get(JOB) as { n: number };
    const jc = db.prepare('SELECT count(*) AS n FROM job_carbon WHERE job_id = ?').get(JOB) as { n: number };
    return ji.n > 0 && jc.n === ji.n;
  }, 20_000, 'carbon for every interval');
  const hostRows = db.prepare('SELECT domain, device, source, quality, sum(joules) AS j FROM host_energy WHERE host = ? GROUP BY 1, 2, 3, 4').all(HOST) as { domain: string; device: string; source: string; quality: string; j: number }[];
  const unattributed = db.prepare('SELECT domain, device, reason, sum(joules) AS j FROM unattributed WHERE host = ? GROUP BY 1, 2, 3').all(HOST) as { domain: string; device: string; reason: string; j: number }[];
  const job = db.prepare('SELECT sum(cpu_j) AS cpu, sum(dram_j) AS dram, sum(gpu_j) AS gpu, sum(other_j) AS other FROM job_interval WHERE job_id = ? AND host = ?').get(JOB, HOST) as Record<string, number>;
  const carbon = db.prepare('SELECT zone, sum(gco2e) AS g FROM job_carbon WHERE job_id = ? AND host = ? GROUP BY zone').all(JOB, HOST) as { zone: string; g: number }[];
  const hostJobGrams = (db.prepare('SELECT sum(gco2e) AS g FROM job_carbon WHERE host = ?').get(HOST) as { g: number }).g;
  const hostSoftware = (db.prepare('SELECT sum(software_j) AS j FROM reports WHERE host = ?').get(HOST) as { j: number }).j;
  const jobTotals = db.prepare('SELECT sum(wall_j) AS wall, sum(software_j) AS software FROM job_interval WHERE job_id = ?').get(JOB) as { wall: number; software: number };
  db.close();
  assert.ok(hostRows.length >= 3 && job.cpu! > 0 && carbon.length === 1 && carbon[0]!.g > 0);

  // A few more scrapes of the final values.
  await sleep(3500);
  const nowS = Math.floor(Date.now() / 1000);
  const range = '10m';
  const [rangeStart, rangeEnd] = [(nowS - 600) * 1000, nowS * 1000];

  // The agent scans the real /proc: on a shared machine other tests' jobs show up on this host too.
  async function check(metric: string, want: { labels: Record<string, string>; value: number }[], job = false) {
    const sel = `{host="${HOST}"${job ? `,wattprint_job="${JOB}"` : ''}}`;
    const series = await matrix(`${metric}${sel}`, range, nowS);
    const incr = (await promQuery(`increase(${metric}${sel}[${range}])`, nowS)).result;
    const key = (m: Record<string, string>, keys: string[]) => keys.map((k) => m[k]).join('/');
    const keys = Object.keys(want[0]!.labels);
    assert.deepEqual(series.map((s) => key(s.metric, keys)).sort(), want.map((w) => key(w.labels, keys)).sort(), `${metric}: one series per stored key`);
    for (const w of want) {
      const s = series.find((x) => key(x.metric, keys) === key(w.labels, keys))!;
      const what = `${metric}{${key(w.labels, keys)}}`;
      assert.equal(s.samples[0]!.v, 0, `${what}: first scraped at 0`);
      assert.ok(s.samples.every((x, i) => i === 0 || x.v >= s.samples[i - 1]!.v), `${what}: never decreases`);
      close(s.samples.at(-1)!.v, w.value, `${what}: last sample = stored`);
      const got = Number(incr.find((r) => key(r.metric, keys) === key(w.labels, keys))!.value![1]);
      close(got, prometheusIncrease(s.samples, rangeStart, rangeEnd)!, `${what}: increase() = stored x extrapolation`);
      assert.ok(got >= w.value * (1 - 1e-9) && got <= w.value * 1.5, `${what}: increase ${got} vs stored ${w.value}`);
    }
    for (const s of series) assert.equal(s.metric.job, 'wattprint-collector', 'the scrape job keeps the job label');
  }

  await check('wattprint_host_energy_joules_total', hostRows.map((r) => ({ labels: { domain: r.domain, device: r.device, source: r.source, quality: r.quality }, value: r.j })));
  await check('wattprint_host_unattributed_energy_joules_total', unattributed.map((r) => ({ labels: { domain: r.domain, device: r.device, reason: r.reason }, value: r.j })));
  await check('wattprint_job_energy_joules_total', Object.entries(job).map(([component, j]) => ({ labels: { wattprint_job: JOB, component }, value: j })), true);
  await check('wattprint_job_carbon_grams_total', carbon.map((r) => ({ labels: { wattprint_job: JOB, zone: r.zone }, value: r.g })), true);

  await check('wattprint_host_software_energy_joules_total', [{ labels: { host: HOST }, value: hostSoftware }]);
  const wallSeries = await matrix(`wattprint_host_wall_energy_joules_total{host="${HOST}"}`, range, nowS);
  assert.deepEqual(wallSeries, [], 'no wall series for a host without a meter');

  // The Prometheus dashboards: every panel query answers, and the figures are the stored ones (to the extrapolation).
  // The fixture host has no wall meter: the wall panel is rightly empty.
  const panels = await promDashboardPanels(nowS, 600, ['cluster: Power now (wall, metered hosts)']);
  const within = (got: number | undefined, want: number, what: string) => assert.ok(got !== undefined && got >= want * (1 - 1e-9) && got <= want * 1.5, `${what}: ${got} vs stored ${want}`);
  const one = (title: string) => panels.get(title)![0]!.value;
  within(one('cluster: Energy in range'), hostSoftware / 3.6e6, 'cluster energy in range (kWh)');
  within(one('cluster: Job emissions in range'), hostJobGrams, 'cluster job emissions (g)');
  within(panels.get('cluster: Top jobs by energy')!.find((r) => r.metric.wattprint_job === JOB)?.value, jobTotals.wall / 3.6e6, 'top jobs by energy (kWh)');
  within(one('job: Energy (wall)'), jobTotals.wall / 3.6e6, 'job wall kWh');
  within(one('job: Energy (software)'), jobTotals.software / 3.6e6, 'job software kWh');
  within(one('job: Emissions'), carbon[0]!.g, 'job emissions');
  close(one('job: Wall / software')!, jobTotals.wall / jobTotals.software, 'job wall/software (the same extrapolation above and below)');
  within(panels.get('job: By host')!.find((r) => r.metric.host === HOST)?.value, jobTotals.wall / 3.6e6, 'job by host');

  // The documented query: per-host energy summed over collectors, exact to the extrapolation.
  const hostTotal = hostRows.filter((r) => r.device === 'package-0' || r.device === 'package-1').reduce((s, r) => s + r.j, 0);
  const sumIncrease = Number((await promQuery(`sum by (host) (increase(wattprint_host_energy_joules_total{host="${HOST}",domain="package"}[${range}]))`, nowS)).result[0]!.value![1]);
  assert.ok(sumIncrease >= hostTotal * (1 - 1e-9) && sumIncrease <= hostTotal * 1.5, `${sumIncrease} vs ${hostTotal}`);

  // Conventions: HELP and TYPE counter for each family, a real service name.
  const meta = (await (await fetch(`${prom.url}/api/v1/metadata`)).json()) as { data: Record<string, { type: string; help: string }[]> };
  for (const m of ['wattprint_host_energy_joules_total', 'wattprint_host_unattributed_energy_joules_total', 'wattprint_job_energy_joules_total', 'wattprint_job_carbon_grams_total', 'wattprint_ingest_reports_accepted_total']) {
    assert.equal(meta.data[m]?.[0]?.type, 'counter', m);
    assert.ok((meta.data[m]?.[0]?.help ?? '').length > 10, m);
  }
  const info = (await promQuery('target_info', nowS)).result;
  assert.equal(info[0]?.metric.service_name, 'wattprint-collector');

  // The finished job's series leave /metrics after the retention; the host's stay.
  const text = await eventually(async () => {
    const t = await (await fetch(`http://127.0.0.1:${c.httpPort}/metrics`)).text();
    return t.includes(`wattprint_job="${JOB}"`) ? undefined : t;
  }, (RETENTION_S + 10) * 1000, 'the job series to leave /metrics');
  assert.ok(text);
  assert.match(text, new RegExp(`^wattprint_host_energy_joules_total\\{host="${HOST}",domain="package",device="package-0",source="rapl",quality="counter"\\} [0-9.e+]+$`, 'm'));
  assert.doesNotMatch(text, /unknown_service/);
});
