// The provisioned Grafana dashboards against a real InfluxDB holding what the
// collector's InfluxDB sink wrote (attribution results of real reports, hosts,
// carbon and grid intensity). Every template variable query and every panel
// query is run the way Grafana's InfluxQL datasource runs it: variables,
// $timeFilter and $__interval substituted, multi-value variables as regex
// alternatives. Every panel must return rows; a few figures are checked
// against the attribution results.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { REPO } from '../helpers/processes.ts';
import { seed } from './seed.ts';
import { durationMs, formatValue, interpolate, type Range } from './panels.ts';
import { parse as parseYaml } from 'yaml';
import { StaticProvider } from '@wattprint/collector/carbon/static.ts';
import { carbonForInterval } from '@wattprint/collector/carbon/compute.ts';
import { carbonSummary, carbonWrite } from '@wattprint/collector/carbon/records.ts';
import { buildApi } from '@wattprint/collector/api/http.ts';

const GRAFANA = path.join(REPO, 'deploy/grafana');
const DASHBOARDS = path.join(GRAFANA, 'dashboards');

interface Target { refId: string; query: string; rawQuery: boolean; resultFormat: string; datasource: { type: string; uid: string } }
interface Panel { id: number; type: string; title: string; interval?: string; datasource: { type: string; uid: string }; targets: Target[] }
interface Variable { name: string; type: string; query: string; regex: string; multi: boolean; includeAll: boolean; sort: number; datasource: { uid: string }; refresh?: number; current?: { value?: unknown } }
interface Input { name: string; type: string; pluginId: string }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: Variable[] }; __inputs?: Input[] }

/** What the datasource variable resolves to here: the provisioned datasource's uid. */
const DATASOURCE_UID = 'wattprint-influxdb';

const dashboards: [string, Dashboard][] = fs
  .readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(DASHBOARDS, f), 'utf8')) as Dashboard]);

type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };

// ---- Grafana's InfluxQL interpolation, as its datasource does it ----------


describe('Grafana dashboards on a real InfluxDB', () => {
  let influxd: Influxd;
  let store: InfluxStore;
  let results: AttributionResult[];
  let range: Range;
  const DB = 'wattprint';

  const query = async (q: string): Promise<Series[]> => {
    const res = await request(influxd.port, 'POST', `/query?db=${DB}&epoch=ms`, `q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, `${q}\n${res.body}`);
    const body = JSON.parse(res.body) as { results: { error?: string; series?: Series[] }[] };
    assert.equal(body.results[0]?.error, undefined, `InfluxDB refused: ${q}`);
    return body.results[0]?.series ?? [];
  };

  /** Options of each variable in order, as Grafana's metricFindQuery + regex + sort give them; All is selected where offered. */
  const resolveVariables = async (d: Dashboard, pick: Record<string, string> = {}): Promise<Map<string, string>> => {
    const vars = new Map<string, string>();
    for (const v of d.templating.list) {
      if (v.type === 'datasource') {
        vars.set(v.name, DATASOURCE_UID);
        continue;
      }
      assert.equal(v.type, 'query', `${d.uid} $${v.name}`);
      assert.equal(v.datasource.uid, '${datasource}');
      const q = interpolate(v.query, vars, range, 10_000);
      const isValueFirst = /show field keys|show retention policies/i.test(q);
      const found = new Set<string>();
      for (const s of await query(q)) for (const row of s.values) found.add(String(isValueFirst ? row[0] : row[1] ?? row[0]));
      let options = [...found];
      if (v.regex) {
        const body = /^\/(.*)\/([gimsuy]*)$/.exec(v.regex);
        assert.ok(body, `${d.uid} $${v.name}: regex ${v.regex} is not /.../`);
        const re = new RegExp(body[1]!, body[2]);
        options = options.flatMap((o) => {
          const m = re.exec(o);
          return m ? [m[1] ?? m[0]] : [];
        });
      }
      options = [...new Set(options)];
      if (v.sort === 1) options.sort();
      assert.ok(options.length > 0, `${d.uid}: variable $${v.name} has no options (query: ${q})`);
      if (pick[v.name] !== undefined) {
        assert.ok(options.includes(pick[v.name]!), `${d.uid}: $${v.name} offers ${pick[v.name]} (options: ${options})`);
        options = [pick[v.name]!];
      }
      vars.set(v.name, formatValue(v, v.includeAll ? options : options.slice(0, 1)));
    }
    return vars;
  };

  before(async () => {
    influxd = await startInfluxd();
    store = await InfluxStore.open({ url: influxd.url, database: DB, flushIntervalMs: 5 });
    const endUs = Math.floor(Date.now() / 10_000) * 10_000_000 - 10_000_000;
    results = await seed(store, endUs, 3);
    await store.flush();
    range = { fromMs: Math.min(...results.map((r) => r.startUs)) / 1000 - 60_000, toMs: endUs / 1000 + 60_000 };
  });
  after(async () => {
    await store?.close();
    await influxd?.close();
  });

  test('the datasource is InfluxQL on the database the collector writes, with the uid every panel uses', () => {
    const ds = parseYaml(fs.readFileSync(path.join(GRAFANA, 'provisioning/datasources/wattprint.yaml'), 'utf8')) as {
      apiVersion: number;
      datasources: { uid: string; type: string; access: string; url: string; jsonData: { dbName: string; httpMode: string } }[];
    };
    assert.equal(ds.apiVersion, 1);
    const [influx] = ds.datasources;
    assert.equal(influx?.type, 'influxdb');
    assert.equal(influx?.uid, 'wattprint-influxdb');
    assert.equal(influx?.access, 'proxy');
    assert.equal(influx?.jsonData.dbName, 'wattprint');
    const providers = parseYaml(fs.readFileSync(path.join(GRAFANA, 'provisioning/dashboards/wattprint.yaml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] };
    assert.equal(providers.providers[0]?.type, 'file');
  });

  test('dashboards provision and import alike: a datasource variable, an __inputs entry it defaults to, time-filtered variable queries', () => {
    for (const [f, d] of dashboards) {
      const [first, ...rest] = d.templating.list;
      assert.deepEqual([first?.name, first?.type, first?.query], ['datasource', 'datasource', 'influxdb'], `${f}: the first variable picks the InfluxDB datasource`);
      assert.deepEqual(d.__inputs?.map((i) => [i.name, i.type, i.pluginId]), [['DS_WATTPRINT', 'datasource', 'influxdb']], `${f}: __inputs`);
      assert.equal(first?.current?.value, '${DS_WATTPRINT}', `${f}: import fills the variable's default`);
      assert.ok(!JSON.stringify(d).includes('wattprint-influxdb'), `${f}: no hard-coded datasource uid`);
      for (const v of rest) {
        // host_info holds each host's latest Hello, whenever that was; everything else follows the time picker.
        if (/FROM "host_info"/.test(v.query)) continue;
        assert.match(v.query, /\$timeFilter/, `${f} $${v.name}: ${v.query}`);
        assert.equal(v.refresh, 2, `${f} $${v.name}: refreshed when the time range changes`);
      }
    }
  });

  test('dashboards: unique uids, panel ids and titles; raw InfluxQL targets on the provisioned datasource', () => {
    assert.deepEqual(dashboards.map(([f]) => f), ['cluster.json', 'gpu-models.json', 'host.json', 'job.json']);
    assert.equal(new Set(dashboards.map(([, d]) => d.uid)).size, dashboards.length);
    for (const [f, d] of dashboards) {
      assert.ok(d.panels.length >= 4, f);
      assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length, `${f}: panel ids`);
      assert.equal(new Set(d.panels.map((p) => p.title)).size, d.panels.length, `${f}: panel titles`);
      for (const p of d.panels) {
        assert.equal(p.datasource.uid, '${datasource}', `${f} ${p.title}`);
        assert.ok(p.targets.length > 0, `${f} ${p.title} has no query`);
        for (const t of p.targets) {
          assert.equal(t.rawQuery, true, `${f} ${p.title}`);
          assert.equal(t.datasource.uid, '${datasource}');
          // Aggregations over time must follow the time picker.
          // Grid panels read from before the range (the period in force at its start): they bound time themselves.
          if (!/FROM "host_info"/.test(t.query)) assert.match(t.query, /\$timeFilter|time >= \$\{__from\}ms - \d+h AND time <= \$\{__to\}ms/, `${f} ${p.title}`);
        }
      }
    }
    const vars = (uid: string) => dashboards.find(([, d]) => d.uid === uid)![1].templating.list.map((v) => v.name);
    assert.deepEqual(vars('wattprint-cluster'), ['datasource', 'host', 'zone']);
    assert.deepEqual(vars('wattprint-job'), ['datasource', 'job', 'job_zone']);
    assert.deepEqual(vars('wattprint-host'), ['datasource', 'host', 'host_zone']);
    assert.deepEqual(vars('wattprint-gpu-models'), ['datasource', 'gpu_model', 'gpu_hosts']);
  });

  for (const [file, dashboard] of dashboards) {
    test(`${file}: every variable has options and every panel returns rows`, async () => {
      const vars = await resolveVariables(dashboard);
      const empty: string[] = [];
      for (const p of dashboard.panels) {
        for (const t of p.targets) {
          const q = interpolate(t.query, vars, range, Math.max(10_000, p.interval ? durationMs(p.interval) : 0));
          const series = await query(q);
          const values = series.flatMap((s) => s.values.flatMap((row) => row.slice(1).filter((v) => v !== null)));
          if (values.length === 0) empty.push(`${p.title} [${t.refId}]: ${q}`);
        }
      }
      assert.deepEqual(empty, [], 'panels without rows');
    });
  }

  test('a host on the collector\'s default zone: $host_zone is the zone it was priced in, and its grid panel has the intensity', async () => {
    const host = dashboards.find(([, d]) => d.uid === 'wattprint-host')![1];
    const vars = await resolveVariables(host, { host: 'gpu-b' });
    assert.equal(vars.get('host_zone'), 'DE');
    const p = host.panels.find((x) => x.title === 'Grid intensity (host zone)')!;
    const series = await query(interpolate(p.targets[0]!.query, vars, range, 30_000));
    const values = series.flatMap((s) => s.values.map((v) => v[1])).filter((v) => v !== null);
    assert.ok(values.length > 0 && values.every((v) => v === 381), `DE intensity: ${values}`);
    const cluster = dashboards.find(([, d]) => d.uid === 'wattprint-cluster')![1];
    const cvars = await resolveVariables(cluster);
    assert.equal(cvars.get('zone'), '(DE|FR)', '$zone lists every zone hosts were priced in');
    const hostsTable = cluster.panels.find((x) => x.title === 'Hosts')!;
    const priced = await query(interpolate(hostsTable.targets.find((t) => t.refId === 'B')!.query, cvars, range, 30_000));
    assert.deepEqual(priced.map((s) => [s.tags?.host, s.values[0]?.[1]]).sort(), [['gpu-a', 'FR'], ['gpu-b', 'DE']], 'the Hosts table shows the zone each host was priced in');
  });

  test('figures: top jobs by energy, power now, a job\'s wall/software and energy per token match the attribution', async () => {
    const cluster = dashboards.find(([, d]) => d.uid === 'wattprint-cluster')![1];
    const job = dashboards.find(([, d]) => d.uid === 'wattprint-job')![1];
    const run = async (d: Dashboard, title: string) => {
      const p = d.panels.find((x) => x.title === title)!;
      return query(interpolate(p.targets[0]!.query, await resolveVariables(d), range, 30_000));
    };
    const wall = new Map<string, number>();
    for (const r of results) for (const j of r.jobs) wall.set(j.jobId, (wall.get(j.jobId) ?? 0) + j.wallJoules);
    const top = await run(cluster, 'Top jobs by energy');
    const rows = top[0]!.values.map((v) => ({ job: String(v[top[0]!.columns.indexOf('job')]), kWh: Number(v[top[0]!.columns.indexOf('kWh')]) }));
    assert.deepEqual(rows.map((r) => r.job).sort(), [...wall.keys()].sort());
    for (const r of rows) assert.ok(Math.abs(r.kWh - wall.get(r.job)! / 3.6e6) < 1e-12, `${r.job}: ${r.kWh} kWh`);

    const latest = new Map<string, AttributionResult>();
    for (const r of results) if ((latest.get(r.host)?.startUs ?? -1) < r.startUs) latest.set(r.host, r);
    const wantW = [...latest.values()].reduce((s, r) => s + r.hostSoftwareJoules / ((r.endUs - r.startUs) / 1e6), 0);
    const now = await run(cluster, 'Power now (software)');
    assert.ok(Math.abs(Number(now[0]!.values[0]![1]) - wantW) < 1e-6, `power now ${now[0]!.values[0]![1]} W, want ${wantW} W`);

    // The job variable's first option is ft-mnli, on both hosts.
    const mnli = results.flatMap((r) => r.jobs.filter((j) => j.jobId === 'ft-mnli'));
    const ratio = await run(job, 'Wall / software');
    const wantRatio = mnli.reduce((s, j) => s + j.wallJoules, 0) / mnli.reduce((s, j) => s + j.softwareJoules, 0);
    assert.ok(Math.abs(Number(ratio[0]!.values[0]![1]) - wantRatio) < 1e-12);
    assert.ok(wantRatio > 1, 'ft-mnli runs on the metered host: wall above software');
    const perToken = await run(job, 'Energy per 1M tokens');
    const wantPerToken = (mnli.reduce((s, j) => s + j.wallJoules, 0) / mnli.reduce((s, j) => s + j.tokens, 0)) * 1e6;
    assert.ok(Math.abs(Number(perToken[0]!.values[0]![1]) / wantPerToken - 1) < 1e-12);
  });

  test("job dashboard stats equal the API's report of the same job, for each job (one spans a default-zone host)", async () => {
    const api = await buildApi({ store, carbonFor: async (j) => { const t = await store.jobCarbon(j.jobId); return t ? carbonSummary(t) : undefined; } });
    try {
      const job = dashboards.find(([, d]) => d.uid === 'wattprint-job')![1];
      for (const id of ['ft-mnli', 'ft-sst2']) {
        const res = await api.inject({ method: 'GET', url: `/v1/jobs/${id}` });
        assert.equal(res.statusCode, 200, res.body);
        const r = res.json() as { cpuSeconds: number; energy: { wallKwh: number; softwareKwh: number }; normalised: { kwhPer1MTokens: number | null }; carbon: { gco2e: number; energyBasis?: string } | null; hosts: string[] };
        const vars = await resolveVariables(job, { job: id });
        const stat = async (title: string) => {
          const p = job.panels.find((x) => x.title === title)!;
          const series = await query(interpolate(p.targets[0]!.query, vars, range, 30_000));
          const v = series[0]?.values[0]?.[1];
          return v === undefined || v === null ? null : Number(v);
        };
        const near = (got: number | null, want: number | null, what: string) => {
          if (want === null) return assert.equal(got, null, what);
          assert.ok(got !== null && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${id} ${what}: panel ${got}, API ${want}`);
        };
        // The panels sum the wall as the meter read it each interval; the API reconciles it over
        // time (docs/ATTRIBUTION.md, "Wall over time"). They may differ by what the reconciliation
        // moved: joules carried from later readings, and shortfalls not (yet) paid.
        const note = (await store.jobTotals(id))?.wall;
        const movedKwh = note ? (note.carriedJoules + note.unpaidJoules) / 3.6e6 : 0;
        const wallPanel = await stat('Energy (wall)');
        assert.ok(wallPanel !== null && Math.abs(wallPanel - r.energy.wallKwh) <= movedKwh + 1e-9 * Math.max(1, r.energy.wallKwh), `${id} wall kWh: panel ${wallPanel}, API ${r.energy.wallKwh}, reconciliation moved ${movedKwh}`);
        const asRead = note ? wallPanel! / r.energy.wallKwh : 1;
        near(await stat('Energy (software)'), r.energy.softwareKwh, 'software kWh');
        near(await stat('Wall / software'), (r.energy.wallKwh * asRead) / r.energy.softwareKwh, 'wall/software');
        near(await stat('Emissions'), r.carbon!.gco2e * (r.carbon!.energyBasis === 'wall' ? asRead : 1), 'gCO2e');
        near(await stat('Energy per 1M tokens'), r.normalised.kwhPer1MTokens === null ? null : r.normalised.kwhPer1MTokens * asRead * 3.6e6, 'J per 1M tokens');
        near(await stat('CPU time'), r.cpuSeconds, 'CPU s');
        if (id === 'ft-mnli') assert.ok(r.hosts.includes('gpu-b'), 'ft-mnli runs on gpu-b, the default-zone host');
      }
    } finally {
      await api.close();
    }
  });

  test('GPU models side by side: the per-model table (merge, extract the model, group, divide, as Grafana does) matches the attribution', async () => {
    const d = dashboards.find(([, x]) => x.uid === 'wattprint-gpu-models')![1];
    const vars = await resolveVariables(d);
    const p = d.panels.find((x) => x.title === 'Wall / software by GPU model')!;
    const run = async (refId: string) => query(interpolate(p.targets.find((t) => t.refId === refId)!.query, vars, range, 30_000));
    const byHost = new Map<string, Record<string, unknown>>();
    for (const refId of ['A', 'B']) for (const s of await run(refId)) {
      const row = byHost.get(s.tags!.host!) ?? {};
      s.columns.forEach((c, i) => (row[c] = s.values[0]![i]));
      byHost.set(s.tags!.host!, row);
    }
    const perModel = new Map<string, { wall: number; software: number }>();
    for (const row of byHost.values()) {
      if (row['wall kWh'] === undefined || row['wall kWh'] === null) continue;
      const model = (JSON.parse(String(row.inventory)) as { gpus?: { name: string }[] }).gpus?.[0]?.name;
      assert.ok(model, 'every host with a wall reading here has a GPU model');
      const m = perModel.get(model) ?? { wall: 0, software: 0 };
      m.wall += Number(row['wall kWh']);
      m.software += Number(row['software kWh']);
      perModel.set(model, m);
    }
    const want = new Map<string, { wall: number; software: number }>();
    for (const r of results) {
      if (r.hostWallJoules === undefined) continue;
      const model = r.host === 'gpu-a' ? 'NVIDIA A100-SXM4-40GB' : undefined;
      assert.ok(model, `${r.host} has a wall meter but no GPU in the fixtures`);
      const m = want.get(model) ?? { wall: 0, software: 0 };
      m.wall += r.hostWallJoules / 3.6e6;
      m.software += r.hostSoftwareJoules / 3.6e6;
      want.set(model, m);
    }
    assert.deepEqual([...perModel.keys()].sort(), [...want.keys()].sort());
    for (const [model, m] of want) assert.ok(Math.abs(perModel.get(model)!.wall / perModel.get(model)!.software - m.wall / m.software) < 1e-12, model);
    const tr = (p as unknown as { transformations: { id: string }[] }).transformations.map((t) => t.id);
    assert.deepEqual(tr, ['merge', 'extractFields', 'filterByValue', 'groupBy', 'calculateField'], 'the Grafana pipeline the test follows');
  });

  test('grid panels show the intensity in force at the range start, from a period that began before it', async () => {
    // A live hourly period for zone FR that began 50 minutes before a 10-minute range, and nothing else.
    const fromMs = range.toMs + 3 * 3_600_000; // past the seeded periods, so only ours is within the 2 h look-back
    const sub = { fromMs, toMs: fromMs + 600_000 };
    await store.writeGridIntensity([{ zone: 'FR', provider: 'electricitymaps', basis: 'location_lifecycle', quality: 'measured', startUs: (fromMs - 3_000_000) * 1000, endUs: (fromMs + 600_000) * 1000, gco2ePerKwh: 77, dataset: '' }]);
    await store.flush();
    const cluster = dashboards.find(([, d]) => d.uid === 'wattprint-cluster')![1];
    const p = cluster.panels.find((x) => x.title === 'Grid intensity by zone')!;
    const q = interpolate(p.targets[0]!.query, new Map([['zone', 'FR'], ['datasource', DATASOURCE_UID]]), sub, 60_000);
    // Buckets of 60 s aligned to the epoch: the first one of the range is the one holding its start.
    const inRange = (await query(q)).flatMap((s) => s.values).filter((v) => Number(v[0]) + 60_000 > sub.fromMs && v[1] !== null);
    assert.ok(inRange.length >= 10, `every bucket of the range has a value: ${JSON.stringify(inRange)}`);
    assert.ok(inRange.every((v) => v[1] === 77));
    assert.equal(Number(inRange[0]![0]), Math.floor(sub.fromMs / 60_000) * 60_000, 'from the first bucket');
  });

  // Last: it adds a job to the data.
  test('energy per 1M tokens of a job without progress is empty (null, as the API says), not 0', async () => {
    const job = dashboards.find(([, d]) => d.uid === 'wattprint-job')![1];
    const t = (range.toMs - 120_000) * 1000;
    const line = `job_interval,host=gpu-a,job=no-progress wall_j=500,software_j=400,tokens=0,examples=0,steps=0 ${t}\njob_carbon,host=gpu-a,job=no-progress zone="FR",gco2e=0.01 ${t}`;
    const w = await request(influxd.port, 'POST', `/write?db=${DB}&precision=u`, line);
    assert.equal(w.status, 204, w.body);
    const vars = await resolveVariables(job, { job: 'no-progress' });
    for (const title of ['Energy per 1M tokens', 'Energy per 1M tokens over time']) {
      const p = job.panels.find((x) => x.title === title)!;
      const series = await query(interpolate(p.targets[0]!.query, vars, range, 30_000));
      assert.deepEqual(series.flatMap((s) => s.values.map((v) => v[1])).filter((v) => v !== null), [], title);
    }
    const energy = job.panels.find((x) => x.title === 'Energy (wall)')!;
    assert.ok((await query(interpolate(energy.targets[0]!.query, vars, range, 30_000))).length > 0, 'the job itself is there');
  });

  test('a static yearly intensity (a period from 1 January) shows in the grid panel at the times it priced energy', async () => {
    const startUs = (range.toMs - 90_000) * 1000;
    const periods = await new StaticProvider().periods('PL', startUs, startUs + 10_000_000);
    assert.ok(periods.length > 0 && periods.every((p) => p.quality === 'static_yearly' && p.startUs < startUs - 30 * 86_400_000_000), 'a yearly period, begun beyond the raw retention');
    const r = carbonForInterval({ host: 'gpu-a', seq: 9999, startUs, endUs: startUs + 10_000_000, zone: 'PL', zoneSource: 'config', pue: 1, hostKwhSoftware: 0.001, hostKwhWall: undefined, jobs: [] }, periods);
    await store.writeCarbon(carbonWrite([r], periods));
    await store.flush();
    assert.equal(store.stats().droppedBeyondRetention, 0, 'nothing dropped beyond retention');
    const cluster = dashboards.find(([, d]) => d.uid === 'wattprint-cluster')![1];
    const vars = await resolveVariables(cluster, { zone: 'PL' });
    const p = cluster.panels.find((x) => x.title === 'Grid intensity by zone')!;
    const values = (await query(interpolate(p.targets[0]!.query, vars, range, 30_000))).flatMap((s) => s.values.map((v) => v[1])).filter((v) => v !== null);
    assert.ok(values.length > 0, 'PL in the panel');
    for (const v of values) assert.equal(v, periods[0]!.gPerKwh);
  });
});
